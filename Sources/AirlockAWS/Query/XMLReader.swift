/// Reads the XML AWS Query APIs answer with, byte by byte, into an `XMLTree`: elements (attributes read and
/// dropped), text with the five predefined entities and character references, CDATA sections, comments and
/// processing instructions (skipped). A document type declaration is refused (AWS never sends one, and it is
/// where entity expansion attacks live), as is anything not well-formed or not UTF-8. Written here rather than
/// with Foundation's XMLParser, which crashes on some malformed input (invalid UTF-8 in a name).
struct XMLReader {
    /// Deepest nesting accepted.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The document's root element, or nil when the input is not a well-formed document.
    mutating func document() -> XMLTree? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }  // a UTF-8 byte order mark
        var stack: [XMLTree] = []
        var root: XMLTree?
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "<") {
                if skip("<?") {
                    guard skipPast("?>") else { return nil }
                } else if skip("<!--") {
                    guard skipPast("-->") else { return nil }
                } else if skip("<![CDATA[") {
                    guard !stack.isEmpty, let end = find("]]>"), let text = string(position..<end) else { return nil }
                    stack[stack.count - 1].text += text
                    position = end + 3
                } else if skip("<!") {
                    return nil  // DOCTYPE and other declarations
                } else if skip("</") {
                    guard let name = name(), skipSpaces(), skip(">"), var node = stack.popLast(), node.name == name else { return nil }
                    if !node.children.isEmpty { node.text = node.text.trimmedOfXMLSpace() }
                    if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
                } else {
                    position += 1
                    guard root == nil, stack.count < Self.maximumDepth, let name = name(), skipAttributes() else { return nil }
                    let node = XMLTree(name: name)
                    if skip("/>") {
                        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
                    } else {
                        guard skip(">") else { return nil }
                        stack.append(node)
                    }
                }
            } else {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
                guard let text = decodedText(start..<position) else { return nil }
                if stack.isEmpty {
                    guard text.trimmedOfXMLSpace().isEmpty else { return nil }  // text outside the root element
                } else {
                    stack[stack.count - 1].text += text
                }
            }
        }
        return stack.isEmpty ? root : nil
    }

    // MARK: Pieces

    private mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { bytes[position..<(position + count)].elementsEqual($0) }
        if matches { position += count }
        return matches
    }

    private func find(_ literal: StaticString) -> Int? {
        literal.withUTF8Buffer { pattern in
            var index = position
            while index + pattern.count <= bytes.count {
                if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                index += 1
            }
            return nil
        }
    }

    private mutating func skipPast(_ literal: StaticString) -> Bool {
        guard let end = find(literal) else { return false }
        position = end + literal.utf8CodeUnitCount
        return true
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return true
    }

    /// An element name: up to a space, `/`, `>` or `=`; non-empty UTF-8.
    private mutating func name() -> String? {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                break
            }
            position += 1
        }
        guard position > start, let name = string(start..<position) else { return nil }
        return name
    }

    /// `name="value"` pairs up to `>` or `/>`, read and dropped; false when malformed.
    private mutating func skipAttributes() -> Bool {
        while true {
            skipSpaces()
            guard position < bytes.count else { return false }
            if bytes[position] == UInt8(ascii: ">") || bytes[position] == UInt8(ascii: "/") { return true }
            guard name() != nil, skipSpaces(), skip("="), skipSpaces(), position < bytes.count else { return false }
            let quote = bytes[position]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return false }
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote {
                if bytes[position] == UInt8(ascii: "<") { return false }
                position += 1
            }
            guard position < bytes.count, decodedText(start..<position) != nil else { return false }
            position += 1
        }
    }

    private func string(_ range: Range<Int>) -> String? {
        String(validating: bytes[range], as: UTF8.self)
    }

    /// Text with its entity and character references replaced; nil for an unknown or malformed reference,
    /// or bytes that are not UTF-8.
    private func decodedText(_ range: Range<Int>) -> String? {
        guard let raw = string(range) else { return nil }
        guard raw.contains("&") else { return raw }
        var text = ""
        var rest = Substring(raw)
        while let ampersand = rest.firstIndex(of: "&") {
            text += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { return nil }
            let reference = rest[rest.index(after: ampersand)..<semicolon]
            switch reference {
            case "lt": text += "<"
            case "gt": text += ">"
            case "amp": text += "&"
            case "quot": text += "\""
            case "apos": text += "'"
            default:
                guard reference.hasPrefix("#") else { return nil }
                let digits = reference.dropFirst()
                let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
                text.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return text + rest
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF).
    func trimmedOfXMLSpace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
