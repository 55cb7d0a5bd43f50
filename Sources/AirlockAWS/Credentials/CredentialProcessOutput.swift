import Foundation

/// The JSON a `credential_process` prints, and `airlock credential-process` writes:
/// `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}`.
public struct CredentialProcessOutput: Codable, Equatable, Sendable {
    public var Version: Int
    public var AccessKeyId: String
    public var SecretAccessKey: String
    public var SessionToken: String?
    /// RFC 3339, UTC: `2026-11-23T18:00:00Z`.
    public var Expiration: String?

    public init(_ credentials: AWSCredentials) {
        Version = 1
        AccessKeyId = credentials.accessKeyID
        SecretAccessKey = credentials.secretAccessKey
        SessionToken = credentials.sessionToken
        Expiration = credentials.expiration.map(ISO8601Timestamp.format)
    }

    /// Pretty JSON in the documented key order: Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration.
    public func encoded() -> String {
        var members = [
            "\"Version\": \(Version)",
            "\"AccessKeyId\": \(JSONText.quoted(AccessKeyId))",
            "\"SecretAccessKey\": \(JSONText.quoted(SecretAccessKey))",
        ]
        if let SessionToken { members.append("\"SessionToken\": \(JSONText.quoted(SessionToken))") }
        if let Expiration { members.append("\"Expiration\": \(JSONText.quoted(Expiration))") }
        return "{\n    " + members.joined(separator: ",\n    ") + "\n}"
    }

    /// Reads a process's output, checking what botocore checks.
    static func parse(_ data: Data, command: String, now: Date) throws -> AWSCredentials {
        guard let output = try? JSONDecoder().decode(CredentialProcessOutput.self, from: data) else {
            throw CredentialError.invalidProcessOutput(command: command, reason: "no JSON with Version, AccessKeyId and SecretAccessKey")
        }
        guard output.Version == 1 else {
            throw CredentialError.invalidProcessOutput(command: command, reason: "Version \(output.Version); supported versions: 1")
        }
        var expiration: Date?
        if let text = output.Expiration {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw CredentialError.invalidProcessOutput(command: command, reason: "an unreadable Expiration")
            }
            guard date > now else { throw CredentialError.expiredProcessCredentials(command: command) }
            expiration = date
        }
        return AWSCredentials(accessKeyID: output.AccessKeyId, secretAccessKey: output.SecretAccessKey,
                              sessionToken: output.SessionToken, expiration: expiration)
    }
}
