import Foundation

/// What `Authorizer` answers when it allows an action: the organization it happened in, the caller's role there
/// and, for an action in an environment, what the caller may do in it.
struct Grant: Sendable {
    let organizationID: UUID
    let organizationName: String
    let role: Membership.Role
    /// The caller's access to the environment the action was in; nil for an action on the organization.
    var environmentAccess: EnvironmentAccess? = nil

    var isOwner: Bool { role == .owner }

    /// Whether the caller may change the environment the grant was for (its settings, variables, state).
    var administersEnvironment: Bool { environmentAccess == .administer }
}
