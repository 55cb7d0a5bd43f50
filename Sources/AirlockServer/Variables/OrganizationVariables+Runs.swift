import Fluent
import Foundation

extension OrganizationVariables {
    /// A variable with its value, for a run's environment (never for a page or the API).
    struct Unsealed: Sendable {
        let key: String
        let value: String
        let sensitive: Bool
    }

    /// Every variable of the organization, decrypted, for Terraform's environment.
    static func forRun(organizationID: UUID, secrets: SecretBox, on database: any Database) async throws -> [Unsealed] {
        try await OrganizationVariable.query(on: database).filter(\.$organization.$id == organizationID).sort(\.$key).all()
            .map { variable in
                Unsealed(key: variable.key,
                         value: try secrets.unseal(variable.valueSealed,
                                                   boundTo: OrganizationVariable.context(organizationID: organizationID, key: variable.key)),
                         sensitive: variable.sensitive)
            }
    }
}
