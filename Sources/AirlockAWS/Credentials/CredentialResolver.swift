import Foundation

/// Turns a profile into working credentials as the AWS CLI does: static keys, `credential_process`,
/// `credential_source = Environment`, and `role_arn` chains through STS AssumeRole, asking for MFA codes
/// where a profile has `mfa_serial` and sharing role sessions with the AWS CLI's cache.
///
/// ```swift
/// let resolver = CredentialResolver(config: config, profileName: "role-with-mfa", environment: env,
///                                   client: queryClient, mfaCode: { request in try prompt(request) })
/// let resolved = try await resolver.resolve()
/// ```
public struct CredentialResolver: Sendable {
    /// What a resolution produced.
    public struct Resolved: Sendable {
        public var credentials: AWSCredentials
        /// The profile's region (or the environment's), if any.
        public var region: String?
        /// True when a role session came from the cache instead of STS.
        public var fromCache: Bool
    }

    public var config: SharedConfig
    public var profileName: String
    public var environment: [String: String]
    /// The shared role session cache; nil to neither read nor write it.
    public var cache: RoleSessionCache?
    public var client: AWSQueryClient
    /// Overrides the outermost role's `duration_seconds`.
    public var durationSeconds: Int?
    public var mfaCode: MFACodeProvider
    public var now: @Sendable () -> Date

    public init(
        config: SharedConfig, profileName: String, environment: [String: String], cache: RoleSessionCache?,
        client: AWSQueryClient, durationSeconds: Int? = nil, mfaCode: @escaping MFACodeProvider,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.profileName = profileName
        self.environment = environment
        self.cache = cache
        self.client = client
        self.durationSeconds = durationSeconds
        self.mfaCode = mfaCode
        self.now = now
    }

    public func resolve() async throws -> Resolved {
        let profile = try config.profile(profileName)
        let source = try config.credentialSource(for: profileName)
        let region = AWSRegion.resolve(environment: environment, profile: profile)
        let endpoint = try STSEndpoint.resolve(region: region, profile: profile, config: config, environment: environment)
        var fromCache = false
        let credentials = try await resolve(source, endpoint: endpoint, outermost: true, fromCache: &fromCache)
        return Resolved(credentials: credentials, region: region, fromCache: fromCache)
    }

    /// The cache keys of the profile's role sessions, outermost last (for `cache clear --profile`).
    public func cacheKeys() throws -> [String] {
        var keys: [String] = []
        var source = try config.credentialSource(for: profileName)
        var outermost = true
        while case let .assumeRole(settings, inner) = source {
            keys.insert(RoleSessionCache.key(for: settings, durationSeconds: outermost ? durationSeconds ?? settings.durationSeconds : settings.durationSeconds), at: 0)
            outermost = false
            source = inner
        }
        return keys
    }

    private func resolve(_ source: CredentialSource, endpoint: STSEndpoint, outermost: Bool, fromCache: inout Bool) async throws -> AWSCredentials {
        switch source {
        case let .staticKeys(credentials, _):
            return credentials
        case let .environment(profile):
            guard let keyID = environment["AWS_ACCESS_KEY_ID"], !keyID.isEmpty,
                  let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                throw CredentialError.environmentCredentialsMissing(profile: profile)
            }
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
        case let .process(command, _):
            let data = try await ExternalCommand.output(of: command, kind: "custom-process", environment: environment)
            return try CredentialProcessOutput.parse(data, command: command, now: now())
        case let .assumeRole(settings, inner):
            let duration = outermost ? durationSeconds ?? settings.durationSeconds : settings.durationSeconds
            let key = RoleSessionCache.key(for: settings, durationSeconds: duration)
            if let cached = cache?.credentials(forKey: key, now: now()) {
                fromCache = true
                return cached
            }
            let sourceCredentials = try await resolve(inner, endpoint: endpoint, outermost: false, fromCache: &fromCache)
            fromCache = false
            var tokenCode: String?
            if let serial = settings.mfaSerial {
                tokenCode = try await code(for: MFACodeRequest(serial: serial, profile: settings.profile), process: settings.mfaProcess)
            }
            let sts = STSClient(credentials: sourceCredentials, region: endpoint.signingRegion, endpoint: endpoint.url, client: client)
            let result = try await sts.assumeRole(AssumeRoleRequest(
                roleARN: settings.roleARN,
                roleSessionName: settings.roleSessionName ?? "airlock-session-\(Int(now().timeIntervalSince1970))",
                durationSeconds: duration, externalID: settings.externalID,
                serialNumber: settings.mfaSerial, tokenCode: tokenCode
            ))
            try cache?.store(result, forKey: key)
            return result.credentials
        }
    }

    private func code(for request: MFACodeRequest, process: String?) async throws -> String {
        if let process { return try await MFACodeProcess.code(running: process, for: request.serial, environment: environment) }
        let code = try await mfaCode(request)
        guard MFACodeRequest.isWellFormed(code) else { throw CredentialError.malformedMFACode(serial: request.serial) }
        return code
    }
}
