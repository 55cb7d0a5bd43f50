/// Headers in canonical form: lowercase names in order, values trimmed with inner whitespace folded,
/// repeated names joined with commas.
struct CanonicalHeaders {
    /// `name:value\n` for each header.
    let block: String
    /// `name;name;...`
    let signedNames: String

    init(_ headers: [SigV4Request.Header]) {
        var byName: [String: String] = [:]
        for header in headers {
            let name = header.name.lowercased()
            let value = Self.foldWhitespace(header.value)
            if let existing = byName[name] {
                byName[name] = existing + "," + value
            } else {
                byName[name] = value
            }
        }
        let names = byName.keys.sorted()
        var block = ""
        for name in names {
            block += name
            block += ":"
            block += byName[name] ?? ""
            block += "\n"
        }
        self.block = block
        self.signedNames = names.joined(separator: ";")
    }

    /// Trims the value and turns every run of spaces, tabs and line breaks into one space.
    static func foldWhitespace(_ value: String) -> String {
        let utf8 = value.utf8
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
        // Fast path: nothing to trim and no run of white space, or any white space but a single space.
        var previousWasSpace = true
        var clean = true
        for byte in utf8 {
            let space = isSpace(byte)
            if space && (previousWasSpace || byte != 0x20) {
                clean = false
                break
            }
            previousWasSpace = space
        }
        if clean && !previousWasSpace { return value }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            if isSpace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
