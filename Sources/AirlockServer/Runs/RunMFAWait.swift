import Fluent
import Foundation

/// The line a run's log gets when a phase waits for someone's AWS MFA token code (Terraform's CLI streams
/// that log, so its user reads it): what waits, where to authenticate (the run's page or the airlock CLI),
/// and how to stop waiting.
enum RunMFAWait {
    static func note(_ located: Runs.Located, phase: RunLogChunk.Phase, approvedBy: String?, pagesAddress: String, logLimitBytes: Int,
                     on database: any Database) async throws {
        let runID = try located.run.requireID()
        let page = pagesAddress + RunPages.path(located.organization, located.environment, run: runID)
        let command = "airlock run \(phase.rawValue) --env \(located.organization)/\(located.environment) --run \(runID.uuidString.lowercased())"
        let text = switch phase {
        case .plan:
            "This environment needs an AWS MFA token code for the plan. The run waits, queued: authenticate on \(page) or with "
                + "`\(command)`, and the plan starts (cancel the run there to stop waiting)."
        case .apply:
            "\(approvedBy ?? located.run.createdBy) approved the apply; this environment needs an AWS MFA token code for it. The run waits, "
                + "planned: authenticate on \(page) or with `\(command)`, and the apply starts (discard the run there to stop waiting)."
        }
        let log = try await RunLogWriter(runID: runID, phase: phase, secrets: [], maximumBytes: logLimitBytes, database: database)
        await log.note(text)
        try await log.flush()
    }
}
