/// The addresses a saved plan names, as Terraform prints them (`module.a["k"].aws_s3_bucket.b[0]`). A plan file's
/// address is text its writer chose, and Terraform reads it as HCL (comments, spaces and newlines allowed between its
/// parts), so only the form Terraform itself prints is shown to approvers: dot-separated names, each with an optional
/// `[index]` or `["key"]` whose characters are printable (Terraform escapes the rest) and whose escapes are HCL's (or,
/// for Terraform 1.0, Go's).
enum PlanAddress {
    static func isCanonical(_ address: String) -> Bool {
        var scalars = Array(address.unicodeScalars)[...]
        guard !scalars.isEmpty else { return false }
        while true {
            guard name(&scalars) else { return false }
            if scalars.first == "[" {
                scalars.removeFirst()
                guard (quoted(&scalars) || index(&scalars)), scalars.first == "]" else { return false }
                scalars.removeFirst()
            }
            guard let next = scalars.first else { return true }
            guard next == "." else { return false }
            scalars.removeFirst()
        }
    }

    /// The address with every character outside printable ASCII as `\u{…}`, or nil when it has none: a name or key
    /// may hold characters that are invisible or look like others (Terraform prints them as they are).
    static func spelledOut(_ address: String) -> String? {
        guard address.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 }) else { return nil }
        return address.unicodeScalars.map { scalar in
            scalar.isASCII && scalar.value >= 0x20 ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }.joined()
    }

    /// Whether Terraform prints the character as it is inside a quoted key (Go's `unicode.IsPrint`: letters, marks,
    /// numbers, punctuation, symbols and the ASCII space); it escapes any other.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default:
            scalar == " "
        }
    }

    private static func name(_ scalars: inout ArraySlice<Unicode.Scalar>) -> Bool {
        // HCL's identifiers: Unicode's identifier characters, and dashes after the first.
        guard let first = scalars.first, first == "_" || first.properties.isXIDStart else { return false }
        scalars.removeFirst()
        while let next = scalars.first, next == "-" || next.properties.isXIDContinue {
            scalars.removeFirst()
        }
        return true
    }

    private static func index(_ scalars: inout ArraySlice<Unicode.Scalar>) -> Bool {
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty, digits.count == 1 || digits.first != "0" else { return false }
        scalars.removeFirst(digits.count)
        return true
    }

    private static func quoted(_ scalars: inout ArraySlice<Unicode.Scalar>) -> Bool {
        guard scalars.first == "\"" else { return false }
        scalars.removeFirst()
        while let next = scalars.popFirst() {
            switch next {
            case "\"":
                return true
            case "\\":
                switch scalars.popFirst() {
                case "\""?, "\\"?, "n"?, "r"?, "t"?, "a"?, "b"?, "f"?, "v"?: continue
                case "x"?: guard hex(&scalars, 2) else { return false }
                case "u"?: guard hex(&scalars, 4) else { return false }
                case "U"?: guard hex(&scalars, 8) else { return false }
                default: return false
                }
            default:
                guard isPrintable(next) else { return false }
            }
        }
        return false
    }

    private static func hex(_ scalars: inout ArraySlice<Unicode.Scalar>, _ count: Int) -> Bool {
        let digits = scalars.prefix(count)
        guard digits.count == count, digits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return false }
        scalars.removeFirst(count)
        return true
    }
}
