import Foundation

/// Builds ustar archives byte by byte, for tests that need entries no well-behaved tool would write.
struct TarWriter {
    private(set) var bytes: [UInt8] = []

    /// Adds an entry of `type` ("0" file, "5" directory, "2" symlink, "1" hard link, "3" device, "6" FIFO).
    mutating func add(_ name: String, type: Character = "0", contents: String = "", link: String = "", mode: Int = 0o644) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { header[offset + index] = byte }
        }
        let data = Array(contents.utf8)
        put(name, at: 0, length: 100)
        put(String(format: "%07o", mode), at: 100, length: 8)
        put("0000000", at: 108, length: 8)
        put("0000000", at: 116, length: 8)
        put(String(format: "%011o", data.count), at: 124, length: 12)
        put("00000000000", at: 136, length: 12)
        put(String(type), at: 156, length: 1)
        put(link, at: 157, length: 100)
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        put("        ", at: 148, length: 8)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", checksum) + "\0 ", at: 148, length: 8)
        bytes += header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// The archive with its two closing zero blocks.
    var archive: Data { Data(bytes + [UInt8](repeating: 0, count: 1024)) }
}
