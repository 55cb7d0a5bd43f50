import Fluent
import Foundation
import SQLKit

extension Membership {
    /// The columns and statement of `find(of:in:on:)`.
    private struct MembershipStatement: Sendable {
        let organizationID = "membership_organization_id"
        let membershipID = "membership_id"
        let role = "membership_role"
        let text: String

        init() {
            let (m, o) = (Membership.schema, Organization.schema)
            let q = StatementText.quoted
            let organizationKey = StatementText.column(o, Organization.columnName(\Organization.$id))
            // The role as text: on PostgreSQL it is an enum type of its own.
            text = "SELECT \(organizationKey) AS \(q(organizationID)), \(StatementText.column(m, Membership.columnName(\Membership.$id))) AS \(q(membershipID)), "
                + "CAST(\(StatementText.column(m, Membership.columnName(\Membership.$role))) AS TEXT) AS \(q(role)) FROM \(q(m)) JOIN \(q(o)) ON "
                + "\(organizationKey) = \(StatementText.column(m, Membership.columnName(\Membership.$organization.$id))) "
                + "WHERE \(StatementText.column(m, Membership.columnName(\Membership.$user.$id))) = "
            nameCondition = " AND \(StatementText.column(o, Organization.columnName(\Organization.$name))) = "
        }

        let nameCondition: String
    }

    private static let statement = MembershipStatement()

    /// The user's membership of the organization named `name`, with the organization, in one statement; nil when
    /// they are not a member (or there is no such organization).
    static func find(of userID: UUID, in name: String, on database: any Database) async throws -> (Organization, Membership)? {
        let statement = statement
        let query: SQLQueryString = "\(unsafeRaw: statement.text)\(bind: userID)\(unsafeRaw: statement.nameCondition)\(bind: name)"
        guard let row = try await database.sql.raw(query).first() else { return nil }
        guard let role = Role(rawValue: try row.decode(column: statement.role, as: String.self)) else { return nil }
        let organizationID = try row.decode(column: statement.organizationID, as: UUID.self)
        let organization = Organization(name: name)
        organization.id = organizationID
        organization.$id.exists = true
        let membership = Membership(organizationID: organizationID, userID: userID, role: role)
        membership.id = try row.decode(column: statement.membershipID, as: UUID.self)
        membership.$id.exists = true
        return (organization, membership)
    }
}
