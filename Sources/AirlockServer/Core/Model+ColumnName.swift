import Fluent
import SQLKit

extension Model {
    /// The column `field` is stored in, for statements Fluent's query builder cannot express (indexes, a
    /// conditional update that says whether it matched, the queues' claims), so that renaming a field breaks
    /// them at compile time, not at run time.
    static func columnName<Property: QueryAddressableProperty & AnyQueryableProperty>(_ field: KeyPath<Self, Property>) -> String {
        path(for: field).map(\.description).joined(separator: "_")
    }

    /// `columnName` as an identifier for SQLKit.
    static func column<Property: QueryAddressableProperty & AnyQueryableProperty>(_ field: KeyPath<Self, Property>) -> SQLIdentifier {
        SQLIdentifier(columnName(field))
    }
}
