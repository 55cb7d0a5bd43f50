import AirlockAWS
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock credential-process`: credentials as the JSON the AWS CLI and SDKs read from `credential_process`.
    struct CredentialProcess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credential-process",
            abstract: "Print a profile's credentials as credential_process JSON.",
            discussion: """
                Use it from another profile so that the AWS CLI and every SDK get MFA-backed role credentials:

                  [profile deploy]
                  credential_process = airlock credential-process --profile role-with-mfa

                The MFA prompt goes to the terminal, so standard output holds only the JSON.
                """
        )

        @OptionGroup var options: ProfileOptions

        func run() async throws {
            let credentials = try await CredentialSession.run(options) { try await $0.resolver.resolve().credentials }
            print(CredentialProcessOutput(credentials).encoded())
        }
    }
}
