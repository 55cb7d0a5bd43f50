import AirlockAWS
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Airlock {
    /// `airlock exec`: runs a command with a profile's temporary credentials in its environment.
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exec",
            abstract: "Run a command with a profile's credentials in its environment.",
            discussion: """
                Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and
                AWS_REGION/AWS_DEFAULT_REGION, removes AWS_PROFILE (and airlock's own AIRLOCK_TOKEN and
                AIRLOCK_TOTP_SECRET), then replaces itself with the command, so its exit status and signals are the
                command's own: it starts with every signal's default handling and none blocked.

                  airlock exec --profile role-with-mfa -- terraform plan
                """
        )

        @OptionGroup var options: ProfileOptions

        @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        func validate() throws {
            if arguments.isEmpty { throw ValidationError("Name a command to run after --, e.g. airlock exec --profile dev -- aws s3 ls") }
        }

        private var arguments: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

        func run() async throws {
            let resolved = try await CredentialSession.run(options) { try await $0.resolver.resolve() }
            for name in CredentialVariables.removed + CredentialVariables.airlockSecrets { unsetenv(name) }
            for variable in CredentialVariables.variables(resolved.credentials, region: resolved.region) {
                setenv(variable.name, variable.value, 1)
            }
            let reason = ProcessImage.replace(with: arguments)
            FileHandle.standardError.write(Data("airlock: \(arguments[0]): \(reason == ENOENT ? "command not found" : String(cString: strerror(reason)))\n".utf8))
            throw ExitCode(reason == ENOENT ? 127 : 126)
        }
    }
}
