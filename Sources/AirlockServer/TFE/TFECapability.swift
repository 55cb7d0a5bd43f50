import AirlockAWS
import Foundation

/// URLs Terraform fetches without its token (the upload URL, the log URLs): the path carries the id, when it
/// stops working, and an HMAC of both under a key derived from the server's secret for that one purpose, so
/// only the server can have made it, and a leaked one works for that one thing, for a while.
enum TFECapability {
    enum Purpose: String {
        case upload = "tfe-upload"
        case planLog = "tfe-plan-log"
        case applyLog = "tfe-apply-log"

        /// How long a URL works: an upload follows its creation at once; a log for a day, and past that while the
        /// `terraform` reading it still waits on its phase and for a day after the run last changed, up to
        /// `longestWait` more (`TFEAPI.readLog`): a `terraform apply` that waits days for its MFA code still
        /// streams its log.
        var lifetime: TimeInterval {
            switch self {
            case .upload: 60 * 60
            case .planLog, .applyLog: 24 * 60 * 60
            }
        }

        /// The longest a log URL works past its expiry, whatever its run does.
        static let longestWait: TimeInterval = 7 * 24 * 60 * 60
    }

    static func token(_ purpose: Purpose, id: UUID, now: Date, secrets: SecretBox) -> String {
        let expires = Int(now.timeIntervalSince1970 + purpose.lifetime)
        return "\(id.uuidString.lowercased()).\(expires).\(signature(purpose, id: id, expires: expires, secrets: secrets))"
    }

    /// The id a token names, if the server made it for `purpose` and it has not expired.
    static func verify(_ token: String, _ purpose: Purpose, now: Date, secrets: SecretBox) -> UUID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let id = UUID(uuidString: String(parts[0])), let expires = Int(parts[1]),
              Double(expires) >= now.timeIntervalSince1970 else { return nil }
        guard ConstantTime.equal(String(parts[2]), signature(purpose, id: id, expires: expires, secrets: secrets)) else { return nil }
        return id
    }

    /// A token for `id` held by a person (a log URL for the user who asked for it): it works only while that person
    /// may still see `id` (the caller checks), so a member who leaves takes no working URL along.
    static func token(_ purpose: Purpose, id: UUID, holder: UUID, now: Date, secrets: SecretBox) -> String {
        let expires = Int(now.timeIntervalSince1970 + purpose.lifetime)
        let signed = "\(id.uuidString.lowercased()):\(holder.uuidString.lowercased())"
        return "\(id.uuidString.lowercased()).\(holder.uuidString.lowercased()).\(expires)."
            + secrets.derivedSecret(for: "\(purpose.rawValue):\(signed):\(expires)")
    }

    /// The id and holder a held token names, and when it expires, if the server made it for `purpose` (expired or
    /// not: a log URL outlives its expiry while its run still waits, which the caller decides).
    static func verifyHeld(_ token: String, _ purpose: Purpose, secrets: SecretBox) -> (id: UUID, holder: UUID, expires: Date)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let id = UUID(uuidString: String(parts[0])), let holder = UUID(uuidString: String(parts[1])),
              let expires = Int(parts[2]) else { return nil }
        let signed = "\(id.uuidString.lowercased()):\(holder.uuidString.lowercased())"
        guard ConstantTime.equal(String(parts[3]), secrets.derivedSecret(for: "\(purpose.rawValue):\(signed):\(expires)")) else { return nil }
        return (id, holder, Date(timeIntervalSince1970: Double(expires)))
    }

    private static func signature(_ purpose: Purpose, id: UUID, expires: Int, secrets: SecretBox) -> String {
        secrets.derivedSecret(for: "\(purpose.rawValue):\(id.uuidString.lowercased()):\(expires)")
    }
}
