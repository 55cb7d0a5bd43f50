import ArgumentParser

/// `airlock`: Terraform runs behind AWS MFA (`airlock serve`), and AWS role credentials with MFA for the shell.
public struct Airlock: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "Run Terraform against AWS behind multi-factor authentication.",
        version: "0.1.0",
        subcommands: [Serve.self, Admin.self, Login.self, Logout.self, Org.self, Env.self, Push.self, RunCommand.self, Exec.self, CredentialProcess.self, Export.self, WhoAmI.self, Cache.self, TOTPCode.self]
    )

    public init() {}
}
