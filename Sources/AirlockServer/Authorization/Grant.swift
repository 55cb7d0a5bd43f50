import Foundation

/// What `Authorizer` answers when it allows an action: the organization it happened in and the caller's role there.
struct Grant: Sendable {
    let organizationID: UUID
    let organizationName: String
    let role: Membership.Role

    var isOwner: Bool { role == .owner }
}
