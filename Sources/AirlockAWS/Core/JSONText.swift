import Foundation

/// JSON string literals, for the few outputs whose exact layout matters (the AWS CLI's, `credential_process`).
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]) else {
            return "\"\""
        }
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
