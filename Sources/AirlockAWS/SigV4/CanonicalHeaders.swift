/// Headers in canonical form: lowercase names in order, values trimmed with inner white space folded,
/// repeated names joined with commas.
struct CanonicalHeaders {
    /// `name:value\n` for each header, as UTF-8.
    let block: [UInt8]
    /// `name;name;...`
    let signedNames: String

    init(_ headers: [SigV4Request.Header]) {
        let names = headers.map { Self.lowercased($0.name) }
        // Few headers: an insertion sort of indices beats a dictionary. Stable, so repeated names keep their order.
        var order: [Int] = []
        order.reserveCapacity(headers.count)
        for index in names.indices {
            var position = order.count
            while position > 0 && names[index].lexicographicallyPrecedes(names[order[position - 1]]) { position -= 1 }
            order.insert(index, at: position)
        }
        var block: [UInt8] = []
        var signed: [UInt8] = []
        block.reserveCapacity(256)
        signed.reserveCapacity(64)
        var previous: Int?
        for index in order {
            if let previous, names[previous] == names[index] {
                block[block.count - 1] = UInt8(ascii: ",")
            } else {
                if previous != nil { signed.append(UInt8(ascii: ";")) }
                signed.append(contentsOf: names[index])
                block.append(contentsOf: names[index])
                block.append(UInt8(ascii: ":"))
            }
            Self.appendFolded(headers[index].value, to: &block)
            block.append(0x0A)
            previous = index
        }
        self.block = block
        self.signedNames = String(decoding: signed, as: UTF8.self)
    }

    static func lowercased(_ name: String) -> [UInt8] {
        var name = name
        let hasUpper = name.withUTF8 { $0.contains { $0 >= 0x41 && $0 <= 0x5A } }
        if !hasUpper { return Array(name.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return out
    }

    /// Appends the value trimmed, with every run of spaces, tabs and line breaks turned into one space.
    static func appendFolded(_ value: String, to out: inout [UInt8]) {
        if isFolded(value) {
            out.append(contentsOf: value.utf8)
            return
        }
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }

    /// True when the value needs no folding: no white space at either end, none but single spaces inside.
    static func isFolded(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            var previousWasSpace = true
            for byte in bytes {
                if byte == 0x09 || byte == 0x0A || byte == 0x0D { return false }
                let space = byte == 0x20
                if space && previousWasSpace { return false }
                previousWasSpace = space
            }
            return !previousWasSpace
        }
    }
}
