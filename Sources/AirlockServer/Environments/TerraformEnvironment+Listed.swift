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

        var all: [SQLIdentifier] {
            [id, organization, name, mfaLevel, planRole, applyRole, personalDevice, approverMustDiffer, requiredApprovals].map { SQLIdentifier($0) }
        }
    }

    private static let listed = ListedColumns()

    /// What lists read of an environment.
    static var listedColumns: [SQLIdentifier] { listed.all }

    /// An environment from a row of `listedColumns`, built field by field (no reflection), for reading only.
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
