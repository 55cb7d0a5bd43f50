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

extension StateLockInfo {
    /// Lock information in Terraform's form for a lock Airlock takes for someone (the TFE API's workspace lock).
    static func json(id: String, who: String, reason: String, at time: Date) -> String {
        let object = ["ID": id, "Operation": "workspace lock", "Who": who, "Info": reason, "Created": time.iso8601]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return #"{"ID":"\#(id)"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
