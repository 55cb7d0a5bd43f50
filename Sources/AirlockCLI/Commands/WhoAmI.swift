import AirlockAWS
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock whoami`: STS GetCallerIdentity, printed as `aws sts get-caller-identity` prints it.
    struct WhoAmI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whoami",
            abstract: "Show the identity a profile's credentials belong to (GetCallerIdentity)."
        )

        @OptionGroup var options: ProfileOptions

        func run() async throws {
            let identity = try await CredentialSession.run(options) { session in
                let resolved = try await session.resolver.resolve()
                // The profile was checked by the resolution; credentials from the environment need none.
                let endpoint = try STSEndpoint.resolve(region: resolved.region, profile: session.config.profiles[session.profileName],
                                                       config: session.config,
                                                       environment: session.environment)
                let sts = STSClient(credentials: resolved.credentials, region: endpoint.signingRegion,
                                    endpoint: endpoint.url, client: session.client)
                return try await sts.getCallerIdentity()
            }
            print(Self.format(identity))
        }

        /// The AWS CLI's JSON output: four-space indent, UserId, Account, Arn.
        static func format(_ identity: CallerIdentity) -> String {
            """
            {
                "UserId": \(JSONText.quoted(identity.userID)),
                "Account": \(JSONText.quoted(identity.account)),
                "Arn": \(JSONText.quoted(identity.arn))
            }
            """
        }
    }
}
