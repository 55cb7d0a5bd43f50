import Fluent
import Foundation
import SQLKit

extension TerraformEnvironment {
    /// The columns lists read: everything but the state lock.
    private struct ListedColumns: Sendable {
        let id = TerraformEnvironment.columnName(\TerraformEnvironment.$id)
        let organization = TerraformEnvironment.columnName(\TerraformEnvironment.$organization.$id)
        let name = TerraformEnvironment.columnName(\TerraformEnvironment.$name)
        let mfaLevel = TerraformEnvironment.columnName(\TerraformEnvironment.$storedMFALevel)
        let planRole = TerraformEnvironment.columnName(\TerraformEnvironment.$planRoleARN)
        let applyRole = TerraformEnvironment.columnName(\TerraformEnvironment.$applyRoleARN)
        let personalDevice = TerraformEnvironment.columnName(\TerraformEnvironment.$storedRequirePersonalMFADevice)
        let approverMustDiffer = TerraformEnvironment.columnName(\TerraformEnvironment.$storedApproverMustDiffer)
        let requiredApprovals = TerraformEnvironment.columnName(\TerraformEnvironment.$storedRequiredApprovals)

        var all: [String] {
            [id, organization, name, mfaLevel, planRole, applyRole, personalDevice, approverMustDiffer, requiredApprovals]
        }
    }

    /// The list statement's text (`StatementText`): the organization, then optional conditions, then the limit.
    private struct ListStatement: Sendable {
        let select: String
        let after: String
        let search: String
        let limit: String

        init(columns: ListedColumns) {
            let q = StatementText.quoted
            select = "SELECT \(columns.all.map(q).joined(separator: ", ")) FROM \(q(TerraformEnvironment.schema)) WHERE \(q(columns.organization)) = "
            after = " AND \(q(columns.name)) > "
            search = " AND \(q(columns.name)) LIKE "
            limit = " ORDER BY \(q(columns.name)) LIMIT "
        }
    }

    private static let listed = ListedColumns()
    private static let listStatement = ListStatement(columns: listed)

    /// One page of an organization's environments by name (`EnvironmentListing`), at most `limit` rows.
    static func listed(in organizationID: UUID, _ listing: EnvironmentListing, limit: Int, on database: any Database) async throws
        -> [TerraformEnvironment] {
        let statement = listStatement
        var query: SQLQueryString = "\(unsafeRaw: statement.select)\(bind: organizationID)"
        if let after = listing.after { query = query + "\(unsafeRaw: statement.after)\(bind: after)" }
        if let pattern = listing.searchPattern { query = query + "\(unsafeRaw: statement.search)\(bind: pattern) ESCAPE '\\'" }
        query = query + "\(unsafeRaw: statement.limit)\(bind: limit)"
        return try await database.sql.raw(query).all().map(TerraformEnvironment.init(listed:))
    }

    /// An environment from a row of the list statement, built field by field (no reflection), for reading only.
    convenience init(listed row: any SQLRow) throws {
        let columns = TerraformEnvironment.listed
        self.init()
        id = try row.decode(column: columns.id, as: UUID.self)
        $organization.id = try row.decode(column: columns.organization, as: UUID.self)
        name = try row.decode(column: columns.name, as: String.self)
        storedMFALevel = try row.decode(column: columns.mfaLevel, as: MFALevel?.self)
        planRoleARN = try row.decode(column: columns.planRole, as: String?.self)
        applyRoleARN = try row.decode(column: columns.applyRole, as: String?.self)
        storedRequirePersonalMFADevice = try row.decode(column: columns.personalDevice, as: Bool?.self)
        storedApproverMustDiffer = try row.decode(column: columns.approverMustDiffer, as: Bool?.self)
        storedRequiredApprovals = try row.decode(column: columns.requiredApprovals, as: Int?.self)
    }
}
