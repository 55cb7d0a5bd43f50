import Fluent
import Foundation

/// A variable model stored for one scope: an organization's (`OrganizationVariable`) or an environment's
/// (`EnvironmentVariable`). `VariableStore` keeps every rule of both in one place.
protocol ScopedVariable: Model where IDValue == UUID {
    /// The table whose row owns the variables (locked while one of them is written).
    static var scopeSchema: String { get }
    /// The column that holds the owning row's id.
    static var scopeID: KeyPath<Self, FieldProperty<Self, UUID>> { get }
    /// The column that holds the key.
    static var keyColumn: KeyPath<Self, FieldProperty<Self, String>> { get }
    /// What a value's ciphertext is bound to: a value moved to another scope or key does not decrypt.
    static func context(scopeID: UUID, key: String) -> String

    init(scopeID: UUID, key: String, valueSealed: String, sensitive: Bool)
    var key: String { get }
    /// AES-GCM, bound to `context(scopeID:key:)` (see `SecretBox`).
    var valueSealed: String { get set }
    var sensitive: Bool { get set }
}
