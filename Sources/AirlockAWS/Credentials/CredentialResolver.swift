import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a profile into working credentials as the AWS CLI does: static keys, `credential_process`,
/// `credential_source = Environment`, web identity (`web_identity_token_file`), IAM Identity Center (`sso_session`
/// and the legacy `sso_*` keys, with the AWS CLI's SSO token cache), and `role_arn` chains through STS AssumeRole
/// from any of them, asking for MFA codes where a profile has `mfa_serial` and sharing role sessions with the AWS
/// CLI's cache.
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
        /// The profile's region (or the environment's), if any, as written (a command that calls AWS checks it).
        public var region: String?
        /// True when a role session came from the cache instead of STS.
        public var fromCache: Bool
    }

    public var config: SharedConfig
    public var profileName: String
    public var environment: [String: String]
    /// The shared role session cache; nil to neither read nor write it.
    public var cache: RoleSessionCache?
    /// Where `aws sso login` leaves its tokens.
    public var ssoTokens: SSOTokenCache
    public var client: AWSQueryClient
    /// Overrides the outermost role's `duration_seconds`.
    public var durationSeconds: Int?
    public var mfaCode: MFACodeProvider
    public var now: @Sendable () -> Date
    /// What the user should know that is not an error: a wait for another airlock, a session that was not cached.
    public var notice: @Sendable (String) -> Void
    /// Whether the environment's credentials come first, as in botocore's chain unless a profile is named with
    /// `--profile`: keys (`AWS_ACCESS_KEY_ID`, before any profile, as inside `airlock exec`) and the web identity
    /// variables (`AWS_WEB_IDENTITY_TOKEN_FILE`, before the profile's settings).
    public var environmentKeysFirst = false
    /// Whether the profile was named (`--profile`, `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`): a named profile must exist,
    /// even `default` and even when keys in the environment would be used (botocore's ProfileNotFound), so that a typo
    /// never falls back to whatever keys the shell holds.
    public var profileNamed = false

    public init(
        config: SharedConfig, profileName: String, environment: [String: String], cache: RoleSessionCache?,
        client: AWSQueryClient, durationSeconds: Int? = nil, mfaCode: @escaping MFACodeProvider,
        now: @escaping @Sendable () -> Date = { Date() }, notice: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.config = config
        self.profileName = profileName
        self.environment = environment
        self.cache = cache
        self.ssoTokens = SSOTokenCache.awsCLI(environment: environment)
        self.client = client
        self.durationSeconds = durationSeconds
        self.mfaCode = mfaCode
        self.now = now
        self.notice = notice
    }

    public func resolve() async throws -> Resolved {
        if profileNamed, config.profiles[profileName] == nil { throw ConfigError.profileNotFound(profileName) }
        if environmentKeysFirst, let keys = Self.environmentKeys(environment) {
            // botocore's first provider when no profile is named: inside `airlock exec`, the session it set.
            return Resolved(credentials: keys, region: AWSRegion.resolve(environment: environment, profile: config.profiles[profileName]),
                            fromCache: false)
        }
        let source = try config.credentialSource(for: profileName, environment: webIdentityEnvironment)
        let profile = config.profiles[profileName]
        let region = AWSRegion.resolve(environment: environment, profile: profile)
        // Checked only where STS is called, as botocore does: a region it would refuse (`eu-west-1 # note`: an inline
        // comment stays in the value) fails a role's AssumeRole, never a profile with keys.
        let endpoint = STSEndpointOnDemand { [config, environment] in
            try STSEndpoint.resolve(region: region, profile: profile, config: config, environment: environment)
        }
        var fromCache = false
        let credentials = try await resolve(source, endpoint: endpoint, outermost: true, fromCache: &fromCache)
        return Resolved(credentials: credentials, region: region, fromCache: fromCache)
    }

    /// The variables botocore's web identity provider reads, unless a profile was named on the command line.
    private var webIdentityEnvironment: [String: String] {
        environmentKeysFirst ? environment : [:]
    }

    /// The id of the long-term keys `source` holds without calling anything (keys in a profile or the environment), whose
    /// MFA session a role over them uses.
    private func longTermKeyID(of source: CredentialSource) -> String? {
        let credentials: AWSCredentials? = switch source {
        case let .staticKeys(credentials, _): credentials
        case .environment: Self.environmentKeys(environment)
        default: nil
        }
        return credentials.flatMap { $0.isTemporary ? nil : $0.accessKeyID }
    }

    /// The cache keys of the profile's sessions (its roles', and the MFA sessions they are assumed from), outermost
    /// last (for `cache clear --profile`).
    public func cacheKeys() throws -> [String] {
        var keys: [String] = []
        var source = try config.credentialSource(for: profileName, environment: webIdentityEnvironment)
        var outermost = true
        while true {
            switch source {
            case let .assumeRole(settings, inner):
                keys.insert(RoleSessionCache.key(for: settings, durationSeconds: outermost ? durationSeconds ?? settings.durationSeconds : settings.durationSeconds), at: 0)
                if let serial = settings.mfaSerial, let keyID = longTermKeyID(of: inner) {
                    keys.insert(RoleSessionCache.mfaSessionKey(accessKeyID: keyID, serial: serial), at: 0)
                }
                outermost = false
                source = inner
                continue
            case let .webIdentity(settings):
                keys.insert(RoleSessionCache.key(for: settings, durationSeconds: outermost ? durationSeconds : nil), at: 0)
            case let .singleSignOn(settings):
                keys.insert(RoleSessionCache.key(for: settings), at: 0)
            case .staticKeys, .environment, .process:
                break
            }
            return keys
        }
    }

    /// Where STS calls go, resolved the first time a source calls STS (and never for one that does not).
    struct STSEndpointOnDemand {
        let resolve: () throws -> STSEndpoint
        init(_ resolve: @escaping () throws -> STSEndpoint) { self.resolve = resolve }
    }

    private func resolve(_ source: CredentialSource, endpoint: STSEndpointOnDemand, outermost: Bool, fromCache: inout Bool) async throws -> AWSCredentials {
        switch source {
        case let .staticKeys(credentials, _):
            return credentials
        case let .environment(profile):
            guard let keys = Self.environmentKeys(environment) else { throw CredentialError.environmentCredentialsMissing(profile: profile) }
            return keys
        case let .process(command, _):
            let data = try await ExternalCommand.output(of: command, kind: "custom-process", environment: environment)
            return try CredentialProcessOutput.parse(data, command: command, now: now())
        case let .webIdentity(settings):
            let duration = outermost ? durationSeconds : nil
            let key = RoleSessionCache.key(for: settings, durationSeconds: duration)
            if let cached = cache?.credentials(forKey: key, now: now()) {
                fromCache = true
                return cached
            }
            let stsEndpoint = try endpoint.resolve()
            let sts = STSClient(credentials: nil, region: stsEndpoint.signingRegion, endpoint: stsEndpoint.url, client: client)
            let result = try await sts.assumeRoleWithWebIdentity(
                roleARN: settings.roleARN, roleSessionName: settings.roleSessionName ?? "airlock-session-\(Int(now().timeIntervalSince1970))",
                token: try Self.webIdentityToken(settings.tokenFile), durationSeconds: duration)
            store { try cache?.store(result, forKey: key) }
            return result.credentials
        case let .singleSignOn(settings):
            let key = RoleSessionCache.key(for: settings)
            if let cached = cache?.credentials(forKey: key, now: now()) {
                fromCache = true
                return cached
            }
            let profile = config.profiles[profileName]
            let fetcher = SingleSignOnFetcher(
                settings: settings, tokens: ssoTokens,
                portal: SSOPortalClient(endpoint: try SSOEndpoints.portal(region: settings.region, profile: profile, config: config,
                                                                          environment: environment), client: client),
                oidc: SSOOIDCClient(endpoint: try SSOEndpoints.oidc(region: settings.region, profile: profile, config: config,
                                                                    environment: environment), client: client),
                notice: notice)
            let credentials = try await fetcher.credentials(now: now())
            store { try cache?.storeSingleSignOn(credentials, accountID: settings.accountID, forKey: key) }
            return credentials
        case let .assumeRole(settings, inner):
            let duration = outermost ? durationSeconds ?? settings.durationSeconds : settings.durationSeconds
            let key = RoleSessionCache.key(for: settings, durationSeconds: duration)
            if let cached = cache?.credentials(forKey: key, now: now()) {
                fromCache = true
                return cached
            }
            // Without a cache, or in a folder others may write in, or for a session this chain is making already
            // (a role that assumes itself), no lock: nothing to share, or no one to trust with it.
            guard let cache, cache.isTrustedFolder, !RoleSessionLock.isHeld(key) else {
                return try await assumeRole(settings, inner, key: key, duration: duration, endpoint: endpoint, fromCache: &fromCache)
            }
            // Another airlock may be making this session now: wait for it, then read the cache again.
            let waiting: @Sendable () -> Void = { [notice, profile = settings.profile] in
                notice("Waiting for another airlock that is making the session of profile \(profile) (its MFA prompt, say)...")
            }
            let (credentials, cached) = try await RoleSessionLock.withLock(key, in: cache.folder, waiting: waiting, notice: notice) {
                if let cached = cache.credentials(forKey: key, now: now()) { return (cached, true) }
                var innerFromCache = false
                let made = try await assumeRole(settings, inner, key: key, duration: duration, endpoint: endpoint, fromCache: &innerFromCache)
                return (made, false)
            }
            fromCache = cached
            return credentials
        }
    }

    /// AssumeRole with `inner`'s credentials, asking for the MFA code where the profile names a device; stores the
    /// session in the cache. A role with `mfa_serial` over long-term keys is assumed from the keys' MFA session
    /// (`mfaSession`), shared by every role on the same keys and device, so one code serves them all while it lasts.
    private func assumeRole(_ settings: AssumeRoleSettings, _ inner: CredentialSource, key: String, duration: Int?, endpoint: STSEndpointOnDemand,
                            fromCache: inout Bool) async throws -> AWSCredentials {
        let sourceCredentials = try await resolve(inner, endpoint: endpoint, outermost: false, fromCache: &fromCache)
        fromCache = false
        let stsEndpoint = try endpoint.resolve()
        var signing = sourceCredentials
        var tokenCode: String?
        var serialNumber = settings.mfaSerial
        if let serial = settings.mfaSerial {
            if let session = try await mfaSession(over: sourceCredentials, inner: inner, serial: serial, settings: settings, roleDuration: duration,
                                                  endpoint: stsEndpoint) {
                // Signed with a session made with MFA, the call carries MFA itself (aws:MultiFactorAuthPresent).
                (signing, serialNumber) = (session, nil)
            } else {
                tokenCode = try await code(for: MFACodeRequest(serial: serial, profile: settings.profile), process: settings.mfaProcess)
            }
        }
        let sts = STSClient(credentials: signing, region: stsEndpoint.signingRegion, endpoint: stsEndpoint.url, client: client)
        let result = try await sts.assumeRole(AssumeRoleRequest(
            roleARN: settings.roleARN,
            roleSessionName: settings.roleSessionName ?? "airlock-session-\(Int(now().timeIntervalSince1970))",
            durationSeconds: duration, externalID: settings.externalID,
            serialNumber: serialNumber, tokenCode: tokenCode
        ))
        store { try cache?.store(result, forKey: key) }
        return result.credentials
    }

    /// The MFA session of long-term keys and an MFA device (GetSessionToken with a code), from the cache or made now,
    /// for every role profile with that `source_profile` and `mfa_serial`; nil where one cannot serve: no cache (nothing
    /// to share), keys that are already a session (GetSessionToken takes long-term keys only), or a role session asked
    /// for longer than an hour (STS caps a role assumed with a session at one). It lasts the source profile's
    /// `duration_seconds`, or 12 hours.
    private func mfaSession(over source: AWSCredentials, inner: CredentialSource, serial: String, settings: AssumeRoleSettings, roleDuration: Int?,
                            endpoint: STSEndpoint) async throws -> AWSCredentials? {
        guard let cache, cache.isTrustedFolder, !source.isTemporary, (roleDuration ?? 3600) <= 3600 else { return nil }
        let key = RoleSessionCache.mfaSessionKey(accessKeyID: source.accessKeyID, serial: serial)
        if let cached = cache.credentials(forKey: key, now: now()) { return cached }
        let sourceProfile: String? = if case let .staticKeys(_, profile) = inner { profile } else { nil }
        let seconds = try sourceProfile.flatMap { try config.profiles[$0]?.durationSeconds() } ?? 43200
        let make = { () async throws -> AWSCredentials in
            if let cached = cache.credentials(forKey: key, now: now()) { return cached }
            let code = try await code(for: MFACodeRequest(serial: serial, profile: settings.profile), process: settings.mfaProcess)
            let sts = STSClient(credentials: source, region: endpoint.signingRegion, endpoint: endpoint.url, client: client)
            let session = try await sts.getSessionToken(durationSeconds: seconds, serialNumber: serial, tokenCode: code)
            store { try cache.storeMFASession(session.credentials, forKey: key) }
            return session.credentials
        }
        guard !RoleSessionLock.isHeld(key) else { return try await make() }
        return try await RoleSessionLock.withLock(key, in: cache.folder, waiting: { [notice] in
            notice("Waiting for another airlock that is making the MFA session of \(serial) (its MFA prompt, say)...")
        }, notice: notice, make)
    }

    /// Caches a session; one that cannot be cached is still good (and its code spent): say why the next command asks again.
    private func store(_ write: () throws -> Void) {
        do {
            try write()
        } catch {
            notice("The session works but was not cached (\(error)); the next command will ask for it again.")
        }
    }

    /// The token in a web identity token file: the whole file, as botocore reads it (at most 64 KiB; STS takes 20,000
    /// characters). A regular file, whoever owns it (Kubernetes' projected tokens are root's); never a FIFO that would
    /// hold airlock.
    static func webIdentityToken(_ path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CredentialError.webIdentityTokenUnreadable(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw CredentialError.webIdentityTokenUnreadable(path: path, reason: "it is not a regular file")
        }
        guard let data = try? handle.read(upToCount: 64 << 10), let token = String(data: data, encoding: .utf8), !token.isEmpty else {
            throw CredentialError.webIdentityTokenUnreadable(path: path, reason: "it is empty or not text")
        }
        return token
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`),
    /// if both keys are set.
    static func environmentKeys(_ environment: [String: String]) -> AWSCredentials? {
        guard let keyID = environment["AWS_ACCESS_KEY_ID"], !keyID.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { return nil }
        let token = [environment["AWS_SESSION_TOKEN"], environment["AWS_SECURITY_TOKEN"]].compactMap { $0 }.first { !$0.isEmpty }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
    }

    private func code(for request: MFACodeRequest, process: String?) async throws -> String {
        if let process { return try await MFACodeProcess.code(running: process, for: request.serial, environment: environment) }
        let code = try await mfaCode(request)
        guard MFACodeRequest.isWellFormed(code) else { throw CredentialError.malformedMFACode(serial: request.serial) }
        return code
    }
}
