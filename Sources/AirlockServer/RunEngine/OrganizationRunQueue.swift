import Fluent
import Foundation
import SQLKit

/// One organization's part of the run queue, as its members see it: the runs executing now, and the runs that
/// wait only for a worker, in the order workers take them (`RunQueue.claimNext` takes an organization's runs
/// oldest first). A run held by an earlier run of its environment, or by its plan's MFA code, waits for that
/// and not for a worker, so it is in neither list.
struct OrganizationRunQueue: Sendable {
    /// The runs executing now, oldest first.
    let executing: [UUID]
    /// The runs a worker may start now, next first.
    let waiting: [UUID]

    /// The runs of `organizationID` executing and waiting for a worker now.
    static func load(organizationID: UUID, on database: any Database) async throws -> Self {
        let (id, state, environment, queuedAt) = (Run.column(\.$id), Run.column(\.$state), Run.column(\.$environment.$id), Run.column(\.$queuedAt))
        let (environments, environmentID, organization) = (SQLIdentifier(TerraformEnvironment.schema), TerraformEnvironment.column(\.$id),
                                                            TerraformEnvironment.column(\.$organization.$id))
        let inOrganization: SQLQueryString = """
            r.\(environment) IN (SELECT e.\(environmentID) FROM \(environments) e WHERE e.\(organization) = \(bind: organizationID))
            """
        let sql = try database.sql
        func ids(_ condition: SQLQueryString) async throws -> [UUID] {
            try await sql.raw("SELECT r.\(id) FROM \(ident: Run.schema) r WHERE \(inOrganization) AND \(condition) ORDER BY r.\(queuedAt), r.\(id)")
                .all().map { try $0.decode(column: id.string, as: UUID.self) }
        }
        return Self(executing: try await ids("r.\(state) IN (\(binds: RunState.executing.map(\.rawValue)))"),
                    waiting: try await ids(RunQueue.mayStart()))
    }

    /// How many runs a worker takes before `runID` (0 for the next one); nil when it does not wait for a worker.
    func runsAhead(of runID: UUID) -> Int? {
        waiting.firstIndex(of: runID)
    }
}
