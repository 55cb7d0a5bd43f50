import Foundation

/// Lowercase hexadecimal, as SigV4 and the credential cache keys use it.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Hex of a digest or any contiguous bytes.
    public static func encode<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        bytes.withUnsafeBytes { buffer in
            String(unsafeUninitializedCapacity: buffer.count * 2) { out in
                digits.withUnsafeBufferPointer { table in
                    for (index, byte) in buffer.enumerated() {
                        out[2 * index] = table[Int(byte >> 4)]
                        out[2 * index + 1] = table[Int(byte & 0x0F)]
                    }
                }
                return buffer.count * 2
            }
        }
    }

    static func append<Bytes: ContiguousBytes>(_ bytes: Bytes, to out: inout [UInt8]) {
        out.append(contentsOf: encode(bytes).utf8)
    }
}
