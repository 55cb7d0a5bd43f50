import Fluent
import Foundation

/// Confirms a planned run for someone who already said yes in Terraform (`-auto-approve`, or its prompt):
/// at once where the apply needs no MFA code; otherwise the run stays planned, and the apply log (which
/// Terraform is streaming) says where to give the code. The apply starts when someone authenticates.
enum RunAutoApply {
    /// Returns whether the run was confirmed; false when it waits for an MFA code (the log says so).
    static func confirm(_ runID: UUID, for actor: User, mfa: MFAServices, pagesAddress: String, logLimitBytes: Int,
                        on database: any Database) async throws -> Bool {
        do {
            _ = try await Runs.confirm(runID, actor: actor, tokenCode: nil, mfa: mfa, on: database)
            return true
        } catch MFARefusal.codeRequired {
            try await RunMFAWait.note(try await Runs.find(runID, actorID: try actor.requireID(), on: database), phase: .apply,
                                      approvedBy: actor.username, pagesAddress: pagesAddress, logLimitBytes: logLimitBytes, on: database)
            return false
        }
    }
}
