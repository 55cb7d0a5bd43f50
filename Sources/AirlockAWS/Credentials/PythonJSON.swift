/// JSON text exactly as Python's `json.dumps(value, sort_keys=True)` writes it (`", "` and `": "` separators, or
/// `","` and `":"` when compact; non-ASCII as `\uXXXX`), for the few flat values the AWS CLI hashes into cache keys.
enum PythonJSON {
    enum Value {
        case string(String)
        case int(Int)
    }

    static func dumps(sortedObject object: [String: Value], compact: Bool = false) -> String {
        let members = object.keys.sorted().map { key -> String in
            let value: String = switch object[key]! {
            case let .string(text): quoted(text)
            case let .int(number): String(number)
            }
            return quoted(key) + (compact ? ":" : ": ") + value
        }
        return "{" + members.joined(separator: compact ? "," : ", ") + "}"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
