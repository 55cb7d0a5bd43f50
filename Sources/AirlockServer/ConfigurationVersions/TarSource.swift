import Foundation

/// Where `TarArchive` reads an archive from, front to back.
protocol TarSource {
    /// The next `count` bytes; fewer only at the end of the input.
    mutating func read(_ count: Int) throws -> [UInt8]
}

/// An archive already in memory.
struct TarBytes: TarSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    mutating func read(_ count: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + max(0, count))
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
