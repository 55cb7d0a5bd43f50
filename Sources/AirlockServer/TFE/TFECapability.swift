import Crypto
import Foundation

/// URLs Terraform fetches without its token (the upload URL, the log URLs): the path carries the id and an
/// HMAC of it under a key derived from the server's secret, so only the server can have made it.
enum TFECapability {
    enum Purpose: String {
        case upload = "tfe-upload"
        case planLog = "tfe-plan-log"
        case applyLog = "tfe-apply-log"
    }

    static func token(_ purpose: Purpose, id: UUID, secrets: SecretBox) -> String {
        "\(id.uuidString.lowercased()).\(secrets.derivedSecret(for: "\(purpose.rawValue):\(id.uuidString.lowercased())"))"
    }

    /// The id a token names, if the server made it for `purpose`.
    static func verify(_ token: String, _ purpose: Purpose, secrets: SecretBox) -> UUID? {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
        let expected = Array(secrets.derivedSecret(for: "\(purpose.rawValue):\(id.uuidString.lowercased())").utf8)
        let given = Array(parts[1].utf8)
        // Constant time: the comparison says nothing about how much of a guess was right.
        guard given.count == expected.count, zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return id
    }
}
