import Foundation

/// The ids the TFE API uses for Airlock's rows: a kind's prefix and the row's UUID (`ws-…`, `run-…`, `cv-…`).
enum TFEID {
    static func make(_ prefix: String, _ id: UUID) -> String { "\(prefix)-\(id.uuidString.lowercased())" }

    /// The UUID in `id` if it carries `prefix`.
    static func parse(_ id: String, prefix: String) -> UUID? {
        guard id.hasPrefix(prefix + "-") else { return nil }
        return UUID(uuidString: String(id.dropFirst(prefix.count + 1)))
    }
}
