import AirlockAWS
import ArgumentParser

/// `airlock`: Terraform runs behind AWS MFA (`airlock serve`), and AWS role credentials with MFA for the shell.
public struct Airlock: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "Run Terraform against AWS behind multi-factor authentication.",
        version: version,
        subcommands: serverCommands + [Login.self, Logout.self, Org.self, Team.self, PolicyCommand.self, Env.self, Push.self, RunCommand.self, MFADeviceCommand.self, Token.self, Exec.self, CredentialProcess.self, Export.self, WhoAmI.self, Cache.self, TOTPCode.self]
    )

    public init() {}

    /// The version `airlock --version` and `airlock-server --version` print.
    public static let version = "0.1.0"

    /// `serve` and `admin`, which run `airlock-server` (Linux, where the server builds); none elsewhere.
    static var serverCommands: [any ParsableCommand.Type] {
        #if os(Linux)
        [ServerCommand.Serve.self, ServerCommand.Admin.self]
        #else
        []
        #endif
    }
}

extension ParsableCommand {
    /// Parses the command line as this root command and runs the command; every failure is reported the one CLI
    /// way: its message on standard error and exit status 255, as the AWS CLI reports them (usage errors and help
    /// as ArgumentParser shows them). `airlock` and `airlock-server` both start here.
    public static func runReportingFailures() async {
        ProcessImage.recordInheritedSignals()  // before anything ignores SIGPIPE: what exec must keep ignored
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)  // usage errors, help and the version, as ArgumentParser shows them
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch where exitCode(for: error) == .success {
            exit(withError: error)  // help (`airlock help X`, `--help`) and the version, which ArgumentParser answers by throwing
        } catch {
            exit(withError: CLIFailure.report(error))
        }
    }
}
