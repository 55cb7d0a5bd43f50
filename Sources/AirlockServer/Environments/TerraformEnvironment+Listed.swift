import Fluent
import Foundation
import SQLKit

extension TerraformEnvironment {
    /// The list statement, in parts: the organization's environments (every column but the state lock), then
    /// optionally those after a name and those matching a search, then the order and the limit.
    private static let listSelect = SQLStatement("""
        SELECT "id", "organization_id", "name", "mfa_level", "plan_role_arn", "apply_role_arn", "require_personal_mfa_device",
               "approver_must_differ", "required_approvals", "aws_session_hours",
               "approval_sign_in_minutes", "approval_needs_provider_mfa", "restricted_to_teams" FROM "environments" WHERE "organization_id" = ?
        """)
    private static let listAfter = SQLStatement(#" AND "name" > ?"#)
    private static let listSearch = SQLStatement(#" AND "name" LIKE ? ESCAPE '\'"#)
    private static let listLimit = SQLStatement(#" ORDER BY "name" LIMIT ?"#)

    /// One page of an organization's environments by name (`EnvironmentListing`), at most `limit` rows.
    /// `visibleTo` narrows it to those the caller may see (`Authorizer.visibleEnvironments`).
    static func listed(in organizationID: UUID, _ listing: EnvironmentListing, limit: Int, visibleTo: SQLQueryString?,
                       on database: any Database) async throws -> [TerraformEnvironment] {
        var query = listSelect.query([organizationID])
        if let visibleTo { query = query + visibleTo }
        if let after = listing.after { query = query + listAfter.query([after]) }
        if let pattern = listing.searchPattern { query = query + listSearch.query([pattern]) }
        query = query + listLimit.query([limit])
        return try await database.sql.raw(query).all().map(TerraformEnvironment.init(listed:))
    }

    /// An environment from a row of the list statement, built field by field (no reflection), for reading only.
    convenience init(listed row: any SQLRow) throws {
        self.init()
        id = try row.decode(column: "id", as: UUID.self)
        $organization.id = try row.decode(column: "organization_id", as: UUID.self)
        name = try row.decode(column: "name", as: String.self)
        storedMFALevel = try row.decode(column: "mfa_level", as: MFALevel?.self)
        planRoleARN = try row.decode(column: "plan_role_arn", as: String?.self)
        applyRoleARN = try row.decode(column: "apply_role_arn", as: String?.self)
        storedRequirePersonalMFADevice = try row.decode(column: "require_personal_mfa_device", as: Bool?.self)
        storedApproverMustDiffer = try row.decode(column: "approver_must_differ", as: Bool?.self)
        storedRequiredApprovals = try row.decode(column: "required_approvals", as: Int?.self)
        storedAWSSessionHours = try row.decode(column: "aws_session_hours", as: Int?.self)
        approvalSignInMinutes = try row.decode(column: "approval_sign_in_minutes", as: Int?.self)
        storedApprovalNeedsProviderMFA = try row.decode(column: "approval_needs_provider_mfa", as: Bool?.self)
        storedRestrictedToTeams = try row.decode(column: "restricted_to_teams", as: Bool?.self)
    }
}
