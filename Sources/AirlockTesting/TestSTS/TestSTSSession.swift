import AirlockAWS
import Foundation

/// Temporary credentials the test STS has issued, and what AWS remembers about them.
struct TestSTSSession: Sendable {
    let credentials: AWSCredentials
    let expiration: Date
    /// The IAM user behind the session (directly, or at the start of a role chain).
    let user: TestSTSDirectory.User
    /// The assumed role, for AssumeRole sessions.
    let role: TestSTSDirectory.Role?
    let sessionName: String?
    /// `aws:MultiFactorAuthPresent` for requests made with this session.
    let mfaAuthenticated: Bool

    var principalARN: String {
        if let role, let sessionName { return "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(sessionName)" }
        return user.arn
    }
}

/// Who signed a request: a user's long-term key or a session.
enum TestSTSCaller: Sendable {
    case user(TestSTSDirectory.User)
    case session(TestSTSSession)

    var user: TestSTSDirectory.User {
        switch self {
        case let .user(user): user
        case let .session(session): session.user
        }
    }

    /// The ARN trust policies match against: the user, or the role a session assumed.
    var trustARN: String {
        switch self {
        case let .user(user): user.arn
        case let .session(session): session.role?.arn ?? session.user.arn
        }
    }
}
