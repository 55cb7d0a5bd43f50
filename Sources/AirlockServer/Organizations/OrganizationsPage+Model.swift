import Fluent
import Foundation

/// Everything the home page shows: the visitor's organizations with their role there, and whether the visitor
/// may create one; read by `load`, rendered by `OrganizationsPage+View.swift`.
struct OrganizationsPage {
    struct Entry {
        let name: String
        let role: Membership.Role
    }

    let organizations: [Entry]
    /// The operator's `OrganizationCreators` applied to the visitor.
    let mayCreate: Bool

    static func load(visitorID: UUID, creators: OrganizationCreators, on database: any Database) async throws -> OrganizationsPage {
        let organizations = try await Organizations.list(for: visitorID, on: database)
        let mayCreate = try await User.find(visitorID, on: database).map(creators.allow) ?? false
        return OrganizationsPage(organizations: organizations.map { Entry(name: $0.0.name, role: $0.1) }, mayCreate: mayCreate)
    }
}
