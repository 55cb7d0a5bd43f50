import Fluent
import Foundation

/// An organization variable (`/settings/organization_variables`): a key, a value kept encrypted, and
/// whether it is sensitive (write-only: never shown or returned once saved).
final class OrganizationVariable: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "organization_variables"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "key") var key: String
    /// AES-GCM, bound to the organization and key (see `SecretBox`).
    @Field(key: "value_sealed") var valueSealed: String
    @Field(key: "sensitive") var sensitive: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(organizationID: UUID, key: String, valueSealed: String, sensitive: Bool) {
        self.$organization.id = organizationID
        self.key = key
        self.valueSealed = valueSealed
        self.sensitive = sensitive
    }

}

extension OrganizationVariable: ScopedVariable {
    static let scopeSchema = Organization.schema
    static let scopeID: KeyPath<OrganizationVariable, FieldProperty<OrganizationVariable, UUID>> = \OrganizationVariable.$organization.$id
    static let keyColumn: KeyPath<OrganizationVariable, FieldProperty<OrganizationVariable, String>> = \OrganizationVariable.$key

    static func context(scopeID: UUID, key: String) -> String {
        "organization-variable:\(scopeID.uuidString):\(key)"
    }

    convenience init(scopeID: UUID, key: String, valueSealed: String, sensitive: Bool) {
        self.init(organizationID: scopeID, key: key, valueSealed: valueSealed, sensitive: sensitive)
    }
}
