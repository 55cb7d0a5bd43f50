import Fluent
import Foundation

/// A variable of one environment: passed to Terraform's environment like an organization variable, and
/// overriding one with the same key. Encrypted at rest; a sensitive one is write-only.
final class EnvironmentVariable: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "environment_variables"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    @Field(key: "key") var key: String
    /// AES-GCM, bound to the environment and key (see `SecretBox`).
    @Field(key: "value_sealed") var valueSealed: String
    @Field(key: "sensitive") var sensitive: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(environmentID: UUID, key: String, valueSealed: String, sensitive: Bool) {
        self.$environment.id = environmentID
        self.key = key
        self.valueSealed = valueSealed
        self.sensitive = sensitive
    }

}

extension EnvironmentVariable: ScopedVariable {
    static let scopeSchema = TerraformEnvironment.schema
    static let scopeID: KeyPath<EnvironmentVariable, FieldProperty<EnvironmentVariable, UUID>> = \EnvironmentVariable.$environment.$id
    static let keyColumn: KeyPath<EnvironmentVariable, FieldProperty<EnvironmentVariable, String>> = \EnvironmentVariable.$key

    static func context(scopeID: UUID, key: String) -> String {
        "environment-variable:\(scopeID.uuidString):\(key)"
    }

    convenience init(scopeID: UUID, key: String, valueSealed: String, sensitive: Bool) {
        self.init(environmentID: scopeID, key: key, valueSealed: valueSealed, sensitive: sensitive)
    }
}
