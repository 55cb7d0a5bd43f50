import Fluent
import Foundation

/// What `/settings/organization_variables` shows, read by `load` and rendered by `VariablesPage+View.swift`:
/// one organization's variables (sensitive values write-only), or, for a visitor who named no organization and
/// is in none or several, the organizations to choose from.
enum VariablesPage {
    /// One organization's variables; owners may change them.
    case organization(name: String, isOwner: Bool, variables: [ListedVariable])
    /// The organizations the visitor may choose from (none when the visitor is in none).
    case choice(organizations: [String])

    static func load(organization chosen: String?, visitorID: UUID, secrets: SecretBox, on database: any Database) async throws -> VariablesPage {
        let name: String
        if let chosen {
            name = chosen
        } else {
            let organizations = try await Organizations.list(for: visitorID, on: database)
            guard organizations.count == 1 else { return .choice(organizations: organizations.map(\.0.name)) }
            name = organizations[0].0.name
        }
        let grant = try await Authorizer.authorize(visitorID, .read, organization: name, on: database)
        return .organization(name: grant.organizationName, isOwner: grant.isOwner,
                             variables: try await Variables.list(.organization(name), actorID: visitorID, secrets: secrets, on: database))
    }
}
