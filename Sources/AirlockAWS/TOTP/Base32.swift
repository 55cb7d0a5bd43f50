/// RFC 4648 base32, as MFA seeds are written: case-insensitive, padding and spaces ignored.
public enum Base32 {
    public struct DecodingError: Error, CustomStringConvertible {
        public let character: Character
        public var description: String { "Invalid base32 character '\(character)' in MFA secret" }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func decode(_ text: String) throws -> [UInt8] {
        var buffer: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        for character in text.uppercased() where character != "=" && character != " " && character != "-" {
            guard let value = alphabet.firstIndex(of: character) else { throw DecodingError(character: character) }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return out
    }
}
