import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The AWS CLI's cache of role sessions, shared with it: same folder (`~/.aws/cli/cache`), same key
/// derivation (SHA-1 of the AssumeRole arguments as botocore serializes them), same JSON, files 0600 written
/// atomically. A session with less than 15 minutes left counts as expired, as in botocore.
public struct RoleSessionCache: Sendable {
    public let folder: URL
    public let expiryWindow: TimeInterval

    public init(folder: URL, expiryWindow: TimeInterval = 15 * 60) {
        self.folder = folder
        self.expiryWindow = expiryWindow
    }

    /// `~/.aws/cli/cache` under the home folder in `environment`.
    public static func awsCLI(environment: [String: String]) -> RoleSessionCache {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return RoleSessionCache(folder: URL(fileURLWithPath: home).appendingPathComponent(".aws/cli/cache"))
    }

    /// botocore's cache key: the AssumeRole arguments a profile sets (the session name only when configured),
    /// as `json.dumps(sort_keys=True)`, SHA-1, hex.
    public static func key(for settings: AssumeRoleSettings, durationSeconds: Int?) -> String {
        var arguments: [String: PythonJSON.Value] = ["RoleArn": .string(settings.roleARN)]
        if let value = settings.roleSessionName { arguments["RoleSessionName"] = .string(value) }
        if let value = settings.externalID { arguments["ExternalId"] = .string(value) }
        if let value = settings.mfaSerial { arguments["SerialNumber"] = .string(value) }
        if let value = durationSeconds { arguments["DurationSeconds"] = .int(value) }
        let digest = Insecure.SHA1.hash(data: Array(PythonJSON.dumps(sortedObject: arguments).utf8))
        return Hex.encode(digest)
    }

    /// botocore's key for AssumeRoleWithWebIdentity: the role and a configured session name (never the token).
    public static func key(for settings: WebIdentitySettings, durationSeconds: Int?) -> String {
        var arguments: [String: PythonJSON.Value] = ["RoleArn": .string(settings.roleARN)]
        if let value = settings.roleSessionName { arguments["RoleSessionName"] = .string(value) }
        if let value = durationSeconds { arguments["DurationSeconds"] = .int(value) }
        return Hex.encode(Insecure.SHA1.hash(data: Array(PythonJSON.dumps(sortedObject: arguments).utf8)))
    }

    /// botocore's key for Identity Center role credentials: account, role and the session's name (or, for the
    /// legacy form, the start URL), compact JSON.
    public static func key(for settings: SingleSignOnSettings) -> String {
        var arguments: [String: PythonJSON.Value] = ["accountId": .string(settings.accountID), "roleName": .string(settings.roleName)]
        if let name = settings.sessionName { arguments["sessionName"] = .string(name) } else { arguments["startUrl"] = .string(settings.startURL) }
        return Hex.encode(Insecure.SHA1.hash(data: Array(PythonJSON.dumps(sortedObject: arguments, compact: true).utf8)))
    }

    /// airlock's key for the MFA session of long-term keys and an MFA device (GetSessionToken, which the AWS CLI never
    /// caches): the key's id and the device, compact JSON, SHA-1. No AWS CLI key has this shape.
    public static func mfaSessionKey(accessKeyID: String, serial: String) -> String {
        let arguments: [String: PythonJSON.Value] = ["MFASession": .string("GetSessionToken"), "AccessKeyId": .string(accessKeyID),
                                                     "SerialNumber": .string(serial)]
        return Hex.encode(Insecure.SHA1.hash(data: Array(PythonJSON.dumps(sortedObject: arguments, compact: true).utf8)))
    }

    func path(_ key: String) -> URL { folder.appendingPathComponent(key + ".json") }

    /// The cached session for `key`, if there is one with more than the expiry window left, in a regular file of
    /// this user's that nobody else may write (another user's file could hand this one credentials of theirs).
    public func credentials(forKey key: String, now: Date = Date()) -> AWSCredentials? {
        guard isTrustedFolder, let data = TrustedFile.contents(of: path(key)),
              let session = try? JSONDecoder().decode(CachedRoleSession.self, from: data),
              let expiration = ISO8601Timestamp.parse(session.Credentials.Expiration),
              expiration.timeIntervalSince(now) >= expiryWindow else { return nil }
        return AWSCredentials(
            accessKeyID: session.Credentials.AccessKeyId, secretAccessKey: session.Credentials.SecretAccessKey,
            sessionToken: session.Credentials.SessionToken, expiration: expiration
        )
    }

    /// Whether the cache folder is this user's and nobody else may write in it (another user could otherwise rename
    /// one of this user's entries onto another's key, or hold its lock); a folder not made yet will be, 0700.
    public var isTrustedFolder: Bool { TrustedFile.isPrivateFolder(folder) }

    /// Stores a fresh AssumeRole answer: a temporary file (0600) in the folder, then renamed over the key.
    public func store(_ result: AssumeRoleResult, forKey key: String) throws {
        guard let expiration = result.credentials.expiration, let token = result.credentials.sessionToken else { return }
        let session = CachedRoleSession(
            ProviderType: nil,
            Credentials: .init(
                AccessKeyId: result.credentials.accessKeyID, SecretAccessKey: result.credentials.secretAccessKey,
                SessionToken: token, Expiration: AWSTimestamp(expiration).iso8601.dropLast() + "UTC",
                AccountId: result.assumedRoleARN.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init)
            ),
            AssumedRoleUser: .init(AssumedRoleId: result.assumedRoleID, Arn: result.assumedRoleARN),
            ResponseMetadata: .init(RequestId: result.requestID, HTTPStatusCode: 200, RetryAttempts: 0)
        )
        try write(session, forKey: key)
    }

    /// Stores an MFA session (`mfaSessionKey`) in the AWS CLI's format, marked as airlock's (`ProviderType`).
    public func storeMFASession(_ credentials: AWSCredentials, forKey key: String) throws {
        guard let expiration = credentials.expiration, let token = credentials.sessionToken else { return }
        try write(CachedRoleSession(
            ProviderType: "airlock-mfa-session",
            Credentials: .init(AccessKeyId: credentials.accessKeyID, SecretAccessKey: credentials.secretAccessKey, SessionToken: token,
                               Expiration: ISO8601Timestamp.format(expiration), AccountId: nil)
        ), forKey: key)
    }

    /// Stores Identity Center role credentials as botocore's SSO provider caches them (`ProviderType` `sso`, the
    /// expiry as `%Y-%m-%dT%H:%M:%SZ`).
    public func storeSingleSignOn(_ credentials: AWSCredentials, accountID: String, forKey key: String) throws {
        guard let expiration = credentials.expiration, let token = credentials.sessionToken else { return }
        try write(CachedRoleSession(
            ProviderType: "sso",
            Credentials: .init(AccessKeyId: credentials.accessKeyID, SecretAccessKey: credentials.secretAccessKey, SessionToken: token,
                               Expiration: ISO8601Timestamp.format(expiration), AccountId: accountID)
        ), forKey: key)
    }

    private func write(_ session: CachedRoleSession, forKey key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(session), to: path(key), folderPermissions: 0o700, filePermissions: 0o600)
    }

    /// Removes one session, or every cached session when `key` is nil. Returns how many files went.
    @discardableResult
    public func clear(key: String? = nil) throws -> Int {
        let manager = FileManager.default
        if let key {
            guard manager.fileExists(atPath: path(key).path) else { return 0 }
            try manager.removeItem(at: path(key))
            return 1
        }
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { return 0 }
        var removed = 0
        for name in names where name.hasSuffix(".json") {
            try manager.removeItem(at: folder.appendingPathComponent(name))
            removed += 1
        }
        return removed
    }
}
