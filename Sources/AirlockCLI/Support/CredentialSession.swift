import AirlockAWS
import ArgumentParser
import Foundation

/// One command's access to AWS: the loaded config files, the chosen profile, a resolver for its
/// credentials, and the HTTP client behind it (shut down by `close()`).
struct CredentialSession {
    let environment: [String: String]
    let config: SharedConfig
    let profileName: String
    let client: AWSQueryClient
    let resolver: CredentialResolver

    init(options: ProfileOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        config = try SharedConfig.load(environment: environment)
        profileName = SharedConfig.selectedProfileName(explicit: options.profile, environment: environment)
        // Proxies and the CA bundle as botocore reads them (the profile's `ca_bundle`; an unknown profile is reported below).
        client = AWSQueryClient(configuration: .init(network: try AWSNetworkSettings.resolve(environment: environment,
                                                                                            profile: try? config.profile(profileName))))
        let mfa = MFACodeSource(flagCode: try options.givenMFACode())
        var resolver = CredentialResolver(
            config: config, profileName: profileName, environment: environment,
            cache: options.noCache ? nil : RoleSessionCache.awsCLI(environment: environment),
            client: client, durationSeconds: options.duration?.seconds,
            mfaCode: { try mfa.code(for: $0) },
            notice: { FileHandle.standardError.write(Data("airlock: \($0)\n".utf8)) }
        )
        // botocore: only a profile named on the command line puts the environment's credentials after the profile's
        // (AWS_PROFILE does not: keys in the environment still win).
        resolver.environmentKeysFirst = options.profile == nil
        resolver.profileNamed = [options.profile, environment["AWS_DEFAULT_PROFILE"], environment["AWS_PROFILE"]].contains { $0?.isEmpty == false }
        self.resolver = resolver
    }

    func close() async {
        try? await client.shutdown()
    }

    /// Runs `body` with this session and closes it.
    static func run<T>(_ options: ProfileOptions, _ body: (CredentialSession) async throws -> T) async throws -> T {
        let session = try CredentialSession(options: options)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}

/// How a command failure reaches the user: `Airlock.runReportingFailures()` sends every error through here.
enum CLIFailure {
    /// Prints the error's message (never a secret: Airlock's errors carry none) and returns the exit code to throw.
    static func report(_ error: any Error) -> any Error {
        if error is ExitCode || error is ValidationError || error is CleanExit { return error }
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        return ExitCode(255)
    }
}
