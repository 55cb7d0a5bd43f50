import AirlockAWS
import Foundation

/// What an authentication grants one run phase: a session made from the organization's long-term keys
/// (GetSessionToken, with the MFA code when one was given) and the role Terraform works as, assumed from that
/// session again before each role session ends (`RunCredentialServer`). The phase must start before `startBy`;
/// its credentials then hold for `holdSeconds` from its start (the environment's limit when the code was given), or,
/// without a role (Terraform then gets the session itself), until the session ends.
struct PhaseAWSGrant: Codable, Sendable {
    /// The role a phase assumes, and how CloudTrail names the sessions.
    struct Role: Codable, Sendable, Equatable {
        let arn: String
        let sessionName: String
        let sourceIdentity: String
    }

    /// The GetSessionToken session; served to Terraform only when there is no role.
    let session: AWSCredentials
    let role: Role?
    let holdSeconds: Int

    /// The last moment the phase may start with this grant and still hold its credentials for `holdSeconds`, on the
    /// server's clock.
    let startBy: Date
}
