import AirlockAWS
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Airlock {
    /// `airlock exec`: runs a command with a profile's temporary credentials in its environment, or served to it.
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exec",
            abstract: "Run a command with a profile's credentials in its environment.",
            discussion: """
                Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and
                AWS_REGION/AWS_DEFAULT_REGION, removes AWS_PROFILE (and airlock's own AIRLOCK_TOKEN and
                AIRLOCK_TOTP_SECRET), then replaces itself with the command, so its exit status and signals are the
                command's own: it starts with every signal's default handling and none blocked.

                With --server the command gets no keys: airlock serves the credentials on 127.0.0.1 through the
                container credentials protocol (AWS_CONTAINER_CREDENTIALS_FULL_URI, with a random
                AWS_CONTAINER_AUTHORIZATION_TOKEN), renews them before they end (a role from the cached MFA session,
                without a new code while it lasts), and stays beside the command until it ends, passing on SIGTERM and
                SIGHUP; a command that outlives a role session keeps working. Its exit status is the command's.

                  airlock exec --profile role-with-mfa -- terraform plan
                  airlock exec --server --profile role-with-mfa -- terraform apply
                """
        )

        @OptionGroup var options: ProfileOptions

        @Flag(help: "Serve renewed credentials to the command (container credentials on 127.0.0.1) instead of putting keys in its environment.")
        var server = false

        @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        func validate() throws {
            if arguments.isEmpty { throw ValidationError("Name a command to run after --, e.g. airlock exec --profile dev -- aws s3 ls") }
        }

        private var arguments: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

        func run() async throws {
            if server { return try await serve() }
            let resolved = try await CredentialSession.run(options) { try await $0.resolver.resolve() }
            for name in CredentialVariables.removed + CredentialVariables.airlockSecrets { unsetenv(name) }
            for variable in CredentialVariables.variables(resolved.credentials, region: resolved.region) {
                setenv(variable.name, variable.value, 1)
            }
            let reason = ProcessImage.replace(with: arguments)
            FileHandle.standardError.write(Data("airlock: \(arguments[0]): \(reason == ENOENT ? "command not found" : String(cString: strerror(reason)))\n".utf8))
            throw ExitCode(reason == ENOENT ? 127 : 126)
        }

        /// `--server`: credentials resolved now (any MFA prompt comes before the command starts), then served to it.
        private func serve() async throws {
            let session = try CredentialSession(options: options)
            let status: Int32
            do {
                status = try await serve(with: session)
                await session.close()
            } catch {
                await session.close()
                throw error
            }
            if status > 128 { ChildCommand.endLike(signal: status - 128) }
            throw ExitCode(status)
        }

        private func serve(with session: CredentialSession) async throws -> Int32 {
            let first = try await session.resolver.resolve()
            let resolver = session.resolver
            let renewing = RenewingCredentials(initial: first.credentials) { try await resolver.resolve().credentials }
            let server = try ContainerCredentialsServer(credentials: renewing)
            server.start()
            defer { server.stop() }
            guard let executable = ExecutablePath.find(arguments[0], path: ProcessInfo.processInfo.environment["PATH"]) else {
                FileHandle.standardError.write(Data("airlock: \(arguments[0]): command not found\n".utf8))
                throw ExitCode(127)
            }
            var environment = ProcessInfo.processInfo.environment
            for name in CredentialVariables.removed + CredentialVariables.airlockSecrets + CredentialVariables.ahead { environment[name] = nil }
            for name in environment.keys where name.hasPrefix("AWS_CONTAINER_") { environment[name] = nil }
            // SDKs read a credentials file's keys, and a config file's [default] credentials, before container ones.
            environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
            let fallback = session.config.profiles["default"]
            if let found = fallback?.credentialSettings.first(where: { $0 != "aws_access_key_id" || fallback?.keysFromCredentialsFile == false }) {
                FileHandle.standardError.write(Data(("airlock: the config file's [default] profile has \(found), which SDKs would use before the "
                    + "served credentials; the command gets AWS_CONFIG_FILE=/dev/null.\n").utf8))
                environment["AWS_CONFIG_FILE"] = "/dev/null"
            }
            for variable in server.variables + CredentialVariables.regionVariables(first.region) { environment[variable.name] = variable.value }
            return try await ChildCommand.run(executable, Array(arguments.dropFirst()), environment: environment)
        }
    }
}
