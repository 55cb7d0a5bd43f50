/// One protobuf message's fields in its wire format (protobuf.dev's "Encoding"), read without a schema: each field's
/// number and its value, in the order written. Reading is strict where a message could be read two ways: a field of
/// the wrong wire type is an error, not a field to skip, and groups (which Terraform never writes) are refused.
struct ProtobufFields {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        /// A fixed 32- or 64-bit value; nothing Airlock reads uses one.
        case fixed
    }

    private(set) var fields: [(number: UInt64, value: Value)] = []

    /// Reads every field, and keeps those numbered in `keeping` (nil: all), at most `maximumKept` of them: a message of
    /// many tiny fields costs no memory beyond its own bytes.
    init(_ bytes: ArraySlice<UInt8>, keeping: Set<UInt64>? = nil, maximumKept: Int = .max) throws(SavedPlanError) {
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let key = try Self.varint(bytes, &position)
            let number = key >> 3
            guard number > 0 else { throw .plan("a field numbered 0") }
            let value: Value
            switch key & 7 {
            case 0:
                value = .varint(try Self.varint(bytes, &position))
            case 1, 5:
                let size = key & 7 == 1 ? 8 : 4
                guard bytes.endIndex - position >= size else { throw .plan("a fixed-size field runs past its message") }
                position += size
                value = .fixed
            case 2:
                let length = try Self.varint(bytes, &position)
                guard length <= UInt64(bytes.endIndex - position) else { throw .plan("a field runs past its message") }
                let end = position + Int(length)
                value = .bytes(bytes[position..<end])
                position = end
            default:
                throw .plan("wire type \(key & 7) of field \(number)")
            }
            guard keeping?.contains(number) ?? true else { continue }
            guard fields.count < maximumKept else { throw .plan("more than \(maximumKept) fields Airlock reads") }
            fields.append((number, value))
        }
    }

    /// A singular varint field: its last value (protobuf's rule), 0 when absent.
    func varint(_ number: UInt64) throws(SavedPlanError) -> UInt64 {
        var value: UInt64 = 0
        for field in fields where field.number == number {
            guard case let .varint(read) = field.value else { throw .plan("field \(number) is not a number") }
            value = read
        }
        return value
    }

    /// A singular string field: its last value, "" when absent.
    func string(_ number: UInt64) throws(SavedPlanError) -> String {
        var value = ""
        for field in fields where field.number == number {
            guard case let .bytes(read) = field.value, let text = String(validating: read, as: UTF8.self) else {
                throw .plan("field \(number) is not text")
            }
            value = text
        }
        return value
    }

    /// Each value of a repeated message field, in order.
    func messages(_ number: UInt64) throws(SavedPlanError) -> [ArraySlice<UInt8>] {
        var values: [ArraySlice<UInt8>] = []
        for field in fields where field.number == number {
            guard case let .bytes(read) = field.value else { throw .plan("field \(number) is not a message") }
            values.append(read)
        }
        return values
    }

    /// A singular message field: every occurrence merged, which protobuf defines as reading them concatenated; nil
    /// when absent.
    func message(_ number: UInt64, keeping: Set<UInt64>? = nil, maximumKept: Int = .max) throws(SavedPlanError) -> ProtobufFields? {
        let parts = try messages(number)
        guard !parts.isEmpty else { return nil }
        return try ProtobufFields(parts.count == 1 ? parts[0] : ArraySlice(parts.joined()), keeping: keeping, maximumKept: maximumKept)
    }

    /// Whether a field numbered `number` was read (and kept).
    func has(_ number: UInt64) -> Bool { fields.contains { $0.number == number } }

    /// Of the fields numbered in `numbers`, the number of the last one read: which member of a `oneof` is set
    /// (protobuf keeps the last).
    func lastOf(_ numbers: Set<UInt64>) -> UInt64? { fields.last { numbers.contains($0.number) }?.number }

    private static func varint(_ bytes: ArraySlice<UInt8>, _ position: inout Int) throws(SavedPlanError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < bytes.endIndex else { throw .plan("a number runs past its message") }
            let byte = bytes[position]
            position += 1
            guard shift < 63 || byte <= 1 else { throw .plan("a number longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw .plan("a number longer than 64 bits")
    }
}
