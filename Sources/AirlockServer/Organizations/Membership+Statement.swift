import Fluent
import Foundation
import SQLKit

extension Membership {
    /// A user's membership of an organization by name, in one statement: every authenticated request asks it. The
    /// role as text: on PostgreSQL it is an enum type of its own.
    private static let statement = SQLStatement("""
        SELECT "organizations"."id" AS "organization_id", "memberships"."id" AS "membership_id", CAST("memberships"."role" AS TEXT) AS "role"
        FROM "memberships" JOIN "organizations" ON "organizations"."id" = "memberships"."organization_id"
        WHERE "memberships"."user_id" = ? AND "organizations"."name" = ?
        """)

    /// The user's membership of the organization named `name`, with the organization, in one statement; nil when
    /// they are not a member (or there is no such organization).
    static func find(of userID: UUID, in name: String, on database: any Database) async throws -> (Organization, Membership)? {
        guard let row = try await statement.first([userID, name], on: database),
              let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else { return nil }
        let organizationID = try row.decode(column: "organization_id", as: UUID.self)
        let organization = Organization(name: name)
        organization.id = organizationID
        organization.$id.exists = true
        let membership = Membership(organizationID: organizationID, userID: userID, role: role)
        membership.id = try row.decode(column: "membership_id", as: UUID.self)
        membership.$id.exists = true
        return (organization, membership)
    }
}
