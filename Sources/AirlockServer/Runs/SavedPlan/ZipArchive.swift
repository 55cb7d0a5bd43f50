import CompressNIO
import NIOCore

/// A zip archive read through its central directory, as Go's `archive/zip` (Terraform's writer and reader) reads it:
/// entries stored or deflated, sizes and checksums from the central directory. Only the layout Go writes is read, so
/// Go's reader cannot find another: the end record last, without a comment; the central directory right before it,
/// filled exactly by its records. What Terraform never writes (zip64, encryption, several disks, a comment, a name
/// twice) is refused rather than guessed at.
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
        // Go looks for zip64 records when any of these is 0xFFFF (the size too, not only 0xFFFFFFFF), or finds a locator.
        guard count != 0xFFFF, directorySize != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF,
              end < 20 || Self.uint32(bytes, end - 20) != 0x0706_4B50 else { throw .archive("zip64 is not read") }
        guard directoryOffset <= end, directorySize == end - directoryOffset else {
            throw .archive("its central directory does not end where its end record starts")
        }
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
        guard position == end else { throw .archive("its central directory holds more than its records") }
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

    /// Raw deflate, 64 KiB at a time, refused the moment it passes the recorded size (so memory stays that size).
    private static func inflate(_ stored: ArraySlice<UInt8>, size: Int, name: String) throws(SavedPlanError) -> [UInt8] {
        var input = ByteBuffer(bytes: stored)
        var contents: [UInt8] = []
        contents.reserveCapacity(size)
        do {
            let decompressor = CompressionAlgorithm.deflate().decompressor
            try decompressor.startStream()
            var ended = false
            while !ended {
                var window = ByteBufferAllocator().buffer(capacity: 64 << 10)
                do {
                    try input.decompressStream(to: &window, with: decompressor)
                    ended = true
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    // The window is full; more follows.
                }
                guard window.readableBytes <= size - contents.count else { throw SavedPlanError.archive("\(name) inflates past its recorded size") }
                contents.append(contentsOf: window.readableBytesView)
            }
            try decompressor.finishStream()
        } catch let error as SavedPlanError {
            throw error
        } catch {
            throw .archive("\(name) does not inflate (\(error))")
        }
        return contents
    }

    /// The end of central directory record: the file's last 22 bytes, without a comment, as Go writes it (and as Go's
    /// reader, searching backwards, finds first).
    private static func endOfCentralDirectory(in bytes: [UInt8]) throws(SavedPlanError) -> Int {
        guard bytes.count >= 22 else { throw .archive("it is too short") }
        let position = bytes.count - 22
        guard uint32(bytes, position) == 0x0605_4B50, uint16(bytes, position + 20) == 0 else {
            throw .archive("it does not end with an end of central directory record without a comment")
        }
        return position
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
