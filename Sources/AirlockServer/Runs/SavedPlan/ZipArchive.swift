import CompressNIO
import NIOCore

/// A zip archive read through its central directory, as Go's `archive/zip` (Terraform's writer and reader) reads it:
/// entries stored or deflated, sizes and checksums from the central directory. What Terraform never writes (zip64,
/// encryption, several disks, a name twice) is refused rather than guessed at.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    private let bytes: [UInt8]
    let entries: [Entry]

    init(_ bytes: [UInt8]) throws(SavedPlanError) {
        self.bytes = bytes
        let end = try Self.endOfCentralDirectory(in: bytes)
        let count = Int(Self.uint16(bytes, end + 10))
        let directorySize = Int(Self.uint32(bytes, end + 12))
        let directoryOffset = Int(Self.uint32(bytes, end + 16))
        guard Self.uint16(bytes, end + 4) == 0, Self.uint16(bytes, end + 6) == 0, Self.uint16(bytes, end + 8) == count else {
            throw .archive("it spans several disks")
        }
        guard count != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else { throw .archive("zip64 is not read") }
        guard directoryOffset <= end, directorySize <= end - directoryOffset else { throw .archive("its central directory lies outside the file") }
        var entries: [Entry] = []
        var names: Set<String> = []
        var position = directoryOffset
        for _ in 0..<count {
            guard end - position >= 46, Self.uint32(bytes, position) == 0x0201_4B50 else { throw .archive("a central directory record is damaged") }
            let flags = Self.uint16(bytes, position + 8)
            let nameLength = Int(Self.uint16(bytes, position + 28))
            let extraLength = Int(Self.uint16(bytes, position + 30))
            let commentLength = Int(Self.uint16(bytes, position + 32))
            let recordLength = 46 + nameLength + extraLength + commentLength
            guard end - position >= recordLength else { throw .archive("a central directory record is damaged") }
            guard flags & 1 == 0 else { throw .archive("an entry is encrypted") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            guard names.insert(name).inserted else { throw .archive("the entry \(name) appears twice") }
            let entry = Entry(name: name, method: Self.uint16(bytes, position + 10), crc32: Self.uint32(bytes, position + 16),
                              compressedSize: Int(Self.uint32(bytes, position + 20)), size: Int(Self.uint32(bytes, position + 24)),
                              localHeaderOffset: Int(Self.uint32(bytes, position + 42)))
            guard entry.compressedSize != 0xFFFF_FFFF, entry.size != 0xFFFF_FFFF, entry.localHeaderOffset != 0xFFFF_FFFF else {
                throw .archive("zip64 is not read")
            }
            entries.append(entry)
            position += recordLength
        }
        self.entries = entries
    }

    /// The contents of the entry named `name`, inflated and checked against its CRC-32; refused past `limit` bytes
    /// before anything is inflated.
    func contents(of name: String, limit: Int) throws(SavedPlanError) -> [UInt8] {
        guard let entry = entries.first(where: { $0.name == name }) else { throw .missingEntry(name) }
        guard entry.size <= limit else { throw .tooLarge(limit) }
        let header = entry.localHeaderOffset
        guard header <= bytes.count - 30, Self.uint32(bytes, header) == 0x0403_4B50 else { throw .archive("the local header of \(name) is damaged") }
        let start = header + 30 + Int(Self.uint16(bytes, header + 26)) + Int(Self.uint16(bytes, header + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else { throw .archive("\(name) lies outside the file") }
        let stored = bytes[start..<(start + entry.compressedSize)]
        let contents: [UInt8]
        switch entry.method {
        case 0:
            contents = Array(stored)
        case 8:
            contents = try Self.inflate(stored, size: entry.size, name: name)
        default:
            throw .archive("\(name) uses compression method \(entry.method)")
        }
        guard contents.count == entry.size, CRC32.checksum(contents) == entry.crc32 else { throw .archive("\(name) fails its checksum") }
        return contents
    }

    /// Raw deflate into a buffer one byte larger than the recorded size, so a stream longer than recorded shows.
    private static func inflate(_ stored: ArraySlice<UInt8>, size: Int, name: String) throws(SavedPlanError) -> [UInt8] {
        var input = ByteBuffer(bytes: stored)
        var output = ByteBufferAllocator().buffer(capacity: size + 1)
        do {
            let decompressor = CompressionAlgorithm.deflate().decompressor
            try decompressor.startStream()
            try input.decompressStream(to: &output, with: decompressor)
            try decompressor.finishStream()
        } catch {
            throw .archive("\(name) does not inflate (\(error))")
        }
        return Array(output.readableBytesView)
    }

    /// The end of central directory record: the last one whose comment runs exactly to the end of the file.
    private static func endOfCentralDirectory(in bytes: [UInt8]) throws(SavedPlanError) -> Int {
        guard bytes.count >= 22 else { throw .archive("it is too short") }
        var position = bytes.count - 22
        let lowest = max(0, position - 0xFFFF)
        while position >= lowest {
            if uint32(bytes, position) == 0x0605_4B50, Int(uint16(bytes, position + 20)) == bytes.count - position - 22 { return position }
            position -= 1
        }
        throw .archive("it has no end of central directory record")
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
