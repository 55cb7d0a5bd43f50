import Fluent
import Foundation

/// A team that owns environments and variables; its owners manage it.
final class Organization: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$organization) var memberships: [Membership]

    init() {}

    init(name: String) {
        self.name = name
    }
}
