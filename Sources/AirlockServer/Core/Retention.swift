import Fluent
import Foundation

/// How much history the server keeps, applied by `Housekeeping`. Nothing a run still needs is removed: the
/// current state (the newest version) always stays, an upload any run used stays (runs are the audit trail),
/// and a run's record and events stay when its log goes. Zero keeps everything of that kind.
public struct Retention: Sendable {
    /// State versions kept per environment, newest first (at least the current one).
    public var stateVersions = 100
    /// Uploads that no run used, kept per environment, newest first.
    public var unusedConfigurationVersions = 20
    /// Days a finished run's logs are kept (counted from when it was queued).
    public var runLogDays = 365

    public init() {}

    /// The line a run's log holds once retention removed it.
    static func removedLogNote(days: Int) -> String {
        "[airlock] This log was removed: the server keeps finished runs' logs for \(days) days.\n"
    }

    /// Applies the settings across every environment.
    func apply(at now: Date, on database: any Database) async throws {
        for environmentID in try await TerraformEnvironment.query(on: database).all(\.$id) {
            if stateVersions > 0 { try await pruneStateVersions(of: environmentID, on: database) }
            if unusedConfigurationVersions > 0 { try await pruneUnusedConfigurationVersions(of: environmentID, on: database) }
        }
        if runLogDays > 0 { try await pruneRunLogs(before: now.timeIntervalSince1970 - Double(runLogDays) * 86_400, on: database) }
    }

    private func pruneStateVersions(of environmentID: UUID, on database: any Database) async throws {
        let kept = try await StateVersion.query(on: database).filter(\.$environment.$id == environmentID)
            .sort(\.$serial, .descending).range(0..<stateVersions).all(\.$serial)
        guard kept.count == stateVersions, let oldestKept = kept.last else { return }
        try await StateVersion.query(on: database).filter(\.$environment.$id == environmentID).filter(\.$serial < oldestKept).delete()
    }

    private func pruneUnusedConfigurationVersions(of environmentID: UUID, on database: any Database) async throws {
        let newestFirst = try await ConfigurationVersion.query(on: database).filter(\.$environment.$id == environmentID)
            .field(\.$id).field(\.$uploadedAt).sort(\.$uploadedAt, .descending).all().compactMap(\.id)
        let used = Set(try await Run.query(on: database).filter(\.$environment.$id == environmentID)
            .unique().all(\.$configurationVersion.$id))
        let removable = newestFirst.filter { !used.contains($0) }.dropFirst(unusedConfigurationVersions)
        guard !removable.isEmpty else { return }
        try await ConfigurationVersion.query(on: database).filter(\.$id ~~ Array(removable)).delete()
    }

    /// Replaces the logs of finished runs queued before `cutoff` by a note, 500 runs per pass.
    private func pruneRunLogs(before cutoff: Double, on database: any Database) async throws {
        let finals = RunState.allCases.filter(\.isFinal)
        let candidates = try await Run.query(on: database).filter(\.$queuedAt < cutoff).filter(\.$state ~~ finals)
            .join(RunLogChunk.self, on: \Run.$id == \RunLogChunk.$run.$id).filter(RunLogChunk.self, \.$sequence >= 0)
            .unique().limit(500).all(\.$id)
        for runID in Set(candidates) {
            try await database.transaction { database in
                try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$sequence >= 0).delete()
                try await RunLogChunk(runID: runID, phase: .plan, sequence: -1, text: Self.removedLogNote(days: runLogDays)).save(on: database)
            }
        }
    }
}
