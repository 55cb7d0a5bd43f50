import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first line of standard input, read a byte at a time: a buffered read would take what follows the line too,
/// and the program `exec` starts (or a credential process, which gets the same input) would miss it.
enum StandardInputLine {
    /// The line without its end (`\n` or `\r\n`), at most `limit` bytes; nil when the input is empty.
    static func read(limit: Int = 256) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < limit {
            let count = Foundation.read(0, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes.isEmpty && byte != UInt8(ascii: "\n") ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
