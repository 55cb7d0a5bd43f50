import Foundation

/// Who is part-way through a phase's log. Terraform's log reader (go-tfe), after ten reads in a row that bring
/// nothing, asks whether the phase is over and, if so, stops, losing whatever the phase wrote between its last read
/// and that question: the end of an apply ("Apply complete!", the outputs) when it ended in that instant. So for
/// a person whose last read did not reach the log's end, a phase that is over still reads as running, until they
/// read again (and get the rest, and the end marker) or stop reading for a minute. Kept in this server's memory:
/// with several servers a reader whose requests go to different ones is protected only where they read.
actor TFELogFollowers {
    static let shared = TFELogFollowers()

    private struct Key: Hashable {
        let runID: UUID
        let phase: RunPhase
        let holder: UUID
    }

    /// When each reader last got a part of a log without its end.
    private var partWay: [Key: Date] = [:]
    private var prunedAt = Date.distantPast
    /// How long a reader that stopped reading keeps a finished phase looking unfinished to them.
    static let patience: TimeInterval = 60

    /// Records a read: `reachedEnd` when it was served through the end marker.
    func served(_ runID: UUID, _ phase: RunPhase, to holder: UUID, reachedEnd: Bool, at now: Date = Date()) {
        let key = Key(runID: runID, phase: phase, holder: holder)
        if reachedEnd {
            partWay[key] = nil
        } else {
            partWay[key] = now
        }
        // Readers that stopped are forgotten once their patience ran out, checked at most once a minute.
        if now.timeIntervalSince(prunedAt) > Self.patience {
            partWay = partWay.filter { now.timeIntervalSince($0.value) < Self.patience }
            prunedAt = now
        }
    }

    /// Whether `holder` read part of the phase's log lately without reaching its end.
    func isPartWay(_ runID: UUID, _ phase: RunPhase, holder: UUID, at now: Date = Date()) -> Bool {
        guard let last = partWay[Key(runID: runID, phase: phase, holder: holder)] else { return false }
        return now.timeIntervalSince(last) < Self.patience
    }
}
