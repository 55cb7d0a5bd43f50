import Foundation

/// Terraform's lock information, as its http backend sends it with LOCK and UNLOCK (`{"ID": "...", ...}`).
enum StateLockInfo {
    /// The lock's ID in `json`, or nil when there is none.
    static func id(in json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let id = object["ID"] as? String, !id.isEmpty else { return nil }
        return id
    }
}
