import Foundation

/// The byte patterns a run's log must never show: each sensitive value as it is and in the encodings a
/// configuration or a provider most often prints it in: base64 (standard and URL alphabets, at any of the
/// three alignments inside a longer encoded text), JSON string escaping (Swift's and Go's, which also
/// escapes `<`, `>` and `&`), and URL escaping (percent-encoding in upper and lower case, and form
/// encoding's `+` for spaces). A configuration that wants to print a value it was given can always find
/// another encoding: masking protects against accidents, not against the configuration itself.
struct LogMask: Sendable {
    static let replacement = Array("***".utf8)
    /// Values shorter than this are not masked (masking "true" or "1" would hide half the log).
    static let minimumLength = 4
    /// Shortest base64 fragment masked (shorter fragments match innocent text).
    static let minimumBase64Fragment = 8

    /// Longest first, so that a pattern containing another is masked whole.
    private(set) var patterns: [[UInt8]] = []

    init(_ values: [String] = []) {
        add(values)
    }

    /// The longest pattern's length: how much of a line's end must wait for the rest of the line.
    var longest: Int { patterns.first?.count ?? 0 }

    mutating func add(_ values: [String]) {
        var all = Set(patterns)
        for value in values where value.utf8.count >= Self.minimumLength {
            for variant in Self.variants(of: value) where variant.count >= Self.minimumLength { all.insert(variant) }
        }
        patterns = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// The ranges of `bytes` that hold a pattern, in order, not overlapping.
    func matches(in bytes: [UInt8]) -> [Range<Int>] {
        var covered: [Range<Int>] = []
        for pattern in patterns {
            var start = 0
            while start + pattern.count <= bytes.count {
                guard let found = Self.find(pattern, in: bytes, from: start) else { break }
                let range = found..<(found + pattern.count)
                if !covered.contains(where: { $0.overlaps(range) }) { covered.append(range) }
                start = found + 1
            }
        }
        // Overlapping matches of different patterns are merged so that nothing of either shows.
        var merged: [Range<Int>] = []
        for range in covered.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, last.upperBound >= range.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// `bytes` with every match replaced by `***`.
    func masked(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for range in matches(in: bytes) {
            output.append(contentsOf: bytes[position..<range.lowerBound])
            output.append(contentsOf: Self.replacement)
            position = range.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return output
    }

    /// How much of `bytes` (a stream's next bytes) may be masked and shown now: everything but a tail that
    /// could be the beginning of a pattern still being written, never cutting a match or a UTF-8 character.
    func releasable(_ bytes: [UInt8]) -> Int {
        guard !patterns.isEmpty else { return bytes.count }
        var cut = bytes.count
        let firsts = Set(patterns.compactMap(\.first))
        for position in max(0, bytes.count - longest + 1)..<max(0, bytes.count) where firsts.contains(bytes[position]) {
            let tail = bytes[position...]
            if patterns.contains(where: { $0.count > tail.count && $0.starts(with: tail) }) {
                cut = position
                break
            }
        }
        for range in matches(in: bytes) where range.lowerBound < cut && cut < range.upperBound {
            cut = range.lowerBound
        }
        while cut > 0, cut < bytes.count, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, pattern.count <= bytes.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    // MARK: Encodings

    static func variants(of value: String) -> Set<[UInt8]> {
        let bytes = Array(value.utf8)
        var variants: Set<[UInt8]> = [bytes]
        for text in base64Fragments(of: bytes) { variants.insert(Array(text.utf8)) }
        variants.insert(Array(jsonEscaped(value, goStyle: false).utf8))
        variants.insert(Array(jsonEscaped(value, goStyle: true).utf8))
        // Encoders that escape the solidus too (Swift's JSONEncoder by default, PHP's json_encode).
        variants.insert(Array(jsonEscaped(value, goStyle: false).replacingOccurrences(of: "/", with: "\\/").utf8))
        for upper in [true, false] {
            variants.insert(Array(percentEncoded(bytes, upperCase: upper, spaceAsPlus: false).utf8))
            variants.insert(Array(percentEncoded(bytes, upperCase: upper, spaceAsPlus: true).utf8))
        }
        return variants
    }

    /// The part of the base64 of any text holding `bytes` that depends only on `bytes`, at each of the three
    /// alignments, in both alphabets; the whole encoding (with padding) when `bytes` is all there is.
    static func base64Fragments(of bytes: [UInt8]) -> [String] {
        var fragments: [String] = []
        let whole = Data(bytes).base64EncodedString()
        fragments.append(whole)
        for offset in 0..<3 {
            let encoded = Data(Array(repeating: 0, count: offset) + bytes).base64EncodedString()
            let characters = Array(encoded)
            // The first group mixes the padding bytes in (when offset > 0); the last one the following text.
            let start = offset == 0 ? 0 : 4
            let fullGroups = (offset + bytes.count) / 3
            let end = fullGroups * 4
            guard end - start >= minimumBase64Fragment else { continue }
            fragments.append(String(characters[start..<end]))
        }
        return fragments.flatMap { [$0, $0.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")] }
    }

    /// `value` inside a JSON string. Go's encoder (Terraform's, providers') also escapes `<`, `>`, `&` and
    /// U+2028/U+2029.
    static func jsonEscaped(_ value: String, goStyle: Bool) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where goStyle && "<>&\u{2028}\u{2029}".unicodeScalars.contains(scalar):
                escaped += String(format: "\\u%04x", scalar.value)
            case _ where scalar.value < 0x20:
                escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Percent-encoding of everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ bytes: [UInt8], upperCase: Bool, spaceAsPlus: Bool) -> String {
        var encoded = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: " ") where spaceAsPlus:
                encoded += "+"
            default:
                encoded += String(format: upperCase ? "%%%02X" : "%%%02x", byte)
            }
        }
        return encoded
    }
}
