@testable import AirlockServer

/// Saved plan files made in tests, in the layout `SavedPlan` reads (Terraform's zip of a `tfplan` protobuf), for cases
/// real Terraform does not produce on demand: every action, 1.0's split addresses, action invocations, damage.
enum PlanFileWriter {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, bytes: [UInt8] = []
        while value >= 0x80 { bytes.append(UInt8(value & 0x7F) | 0x80); value >>= 7 }
        return bytes + [UInt8(value)]
    }

    static func field(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }
    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes }
    static func field(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    /// A resource instance change as Terraform 1.1 and later write it.
    static func change(_ address: String, _ action: SavedPlan.Action, importing: Bool = false, deposedKey: String = "") -> [UInt8] {
        var change = field(1, action.rawValue)
        if importing { change += field(5, field(1, "imported-id")) }
        return field(13, address) + (deposedKey.isEmpty ? [] : field(7, deposedKey)) + field(9, change)
    }

    /// The `tfplan` message.
    static func plan(version: String = "1.15.5", changes: [[UInt8]], actionInvocations: [String] = []) -> [UInt8] {
        field(1, 3) + changes.flatMap { field(3, $0) } + actionInvocations.flatMap { field(30, field(1, $0)) } + field(14, version)
    }

    /// A zip of stored entries, with a central directory and its end record as Go's `archive/zip` writes them.
    static func zip(_ entries: [(name: String, contents: [UInt8])], crc: ((UInt32) -> UInt32) = { $0 }) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
        var file: [UInt8] = [], directory: [UInt8] = []
        for (name, contents) in entries {
            let checksum = crc(CRC32.checksum(contents)), size = le32(UInt32(contents.count)), offset = le32(UInt32(file.count))
            let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(checksum) + size + size + le16(name.utf8.count) + le16(0)
            file += le32(0x0403_4B50) + common + Array(name.utf8) + contents
            directory += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + offset + Array(name.utf8)
        }
        let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(UInt32(directory.count)) + le32(UInt32(file.count)) + le16(0)
        return file + directory + end
    }

    /// A whole plan file holding `changes`.
    static func file(version: String = "1.15.5", _ changes: [[UInt8]], actionInvocations: [String] = []) -> [UInt8] {
        zip([("tfplan", plan(version: version, changes: changes, actionInvocations: actionInvocations)), ("tfstate", Array("{}".utf8))])
    }
}
