import Fluent
import Foundation

/// Writes a run phase's log as Terraform produces it: every sensitive value masked (`LogMask`: as it is and
/// in its common encodings, across lines and across the pieces Terraform's output arrives in), stored in
/// the database in chunks (so a crash loses at most the last fraction of a second, and any server can
/// stream it), and capped with a clear marker.
actor RunLogWriter {
    let runID: UUID
    let phase: RunPhase
    private let database: any Database
    private var mask: LogMask
    private let maximumBytes: Int
    private var sequence = 0
    private var pendingText = ""
    /// The newest chunk's save; each waits for the one before.
    private var saving: Task<Void, any Error>?
    /// Output not shown yet: its end could be the beginning of a sensitive value.
    private var held: [UInt8] = []
    private var writtenBytes = 0
    private var truncated = false
    /// Where the phase's time went, written by `finish`.
    private var timings = PhaseTimings()
    /// Limits the phase's programs said they ran into (read from the output before masking).
    private var exhaustion = ResourceExhaustion.Scanner()
    var exhaustedLimits: Set<ResourceExhaustion> { exhaustion.found }

    /// - Parameters:
    ///   - secrets: values that must never appear in the log (sensitive variables, credentials).
    init(runID: UUID, phase: RunPhase, secrets: [String], maximumBytes: Int, database: any Database) async throws {
        self.runID = runID
        self.phase = phase
        self.database = database
        self.mask = LogMask(secrets)
        self.maximumBytes = maximumBytes
        let last = try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$phase == phase).max(\.$sequence)
        sequence = (last ?? -1) + 1
    }

    /// Terraform's raw output, masked and queued for the next flush (all but a tail that could be the
    /// beginning of a sensitive value, which waits for what follows).
    func append(_ data: Data) {
        exhaustion.scan(data)
        held.append(contentsOf: data)
        release(all: false)
    }

    /// More values to mask from now on (credentials made for the phase).
    func masking(_ values: [String]) {
        mask.add(values)
    }

    /// The plan's summary with its resource addresses masked as the log masks Terraform's output (an address can
    /// hold a `for_each` key that came from a sensitive variable).
    func masked(_ summary: PlanSummary) -> PlanSummary {
        summary.mapAddresses { String(decoding: mask.masked(Array($0.utf8)), as: UTF8.self) }
    }

    /// A text of Airlock's (a policy's message) with the values the log masks masked.
    func masked(_ text: String) -> String {
        String(decoding: mask.masked(Array(text.utf8)), as: UTF8.self)
    }

    /// A line as it is (e.g. "Authenticated with MFA by ..."), masked like Terraform's.
    func line(_ text: String) {
        append(Data((text + "\n").utf8))
    }

    /// A line of Airlock's own (e.g. what it is doing), masked like Terraform's.
    func note(_ line: String) {
        self.line("[airlock] " + line)
    }

    /// Stores what is queued, after every chunk queued before it: flushes may interleave (a timer's and the
    /// reader's), and one that returns has everything before it stored, so `finish` returning means the whole log is
    /// (a follower told the phase is over reads it all: a later chunk committed before an earlier one once ended
    /// Terraform's apply log before its last lines).
    func flush() async throws {
        let previous = saving
        guard !pendingText.isEmpty else {
            _ = try? await previous?.value
            return
        }
        // Text and number are taken before the save's suspension, so each chunk keeps its own place.
        let text = pendingText
        let number = sequence
        pendingText = ""
        sequence += 1
        let save = Task { [runID, phase, database] in
            _ = try? await previous?.value  // after the chunk before it, whatever became of that one
            try await RunLogChunk(runID: runID, phase: phase, sequence: number, text: text).save(on: database)
        }
        saving = save
        do {
            try await save.value
            await RunLogBell.shared.ring(runID)
        } catch {
            pendingText = text + pendingText
            throw error
        }
    }

    /// Adds `duration` to the phase's `step` in the timings line `finish` writes.
    func time(_ step: String, _ duration: Duration) {
        timings.add(step, duration)
    }

    /// Stores everything, including an unfinished last line, then the phase's timings line.
    func finish() async throws {
        if !held.isEmpty {
            let unfinishedLine = held.last != UInt8(ascii: "\n")
            release(all: true)
            if unfinishedLine { add("\n") }
        }
        if let line = timings.line {
            note(line)
            timings = PhaseTimings()
        }
        try await flush()
    }

    private func release(all: Bool) {
        let cut = all ? held.count : Self.characterBoundary(held, atOrBefore: mask.releasable(held))
        guard cut > 0 else { return }
        add(String(decoding: mask.masked(Array(held[..<cut])), as: UTF8.self))
        held.removeFirst(cut)
    }

    private func add(_ masked: String) {
        guard !truncated else { return }
        if writtenBytes + masked.utf8.count > maximumBytes {
            truncated = true
            pendingText += "\n[airlock] The log reached its limit of \(maximumBytes / 1024) KiB; Terraform's further output was not kept.\n"
            return
        }
        writtenBytes += masked.utf8.count
        pendingText += masked
    }

    /// `cut`, or the start of the UTF-8 character it would split. Output arrives in pipe reads that may end
    /// inside a character (Terraform's box-drawing "│" is three bytes): its first bytes wait for the rest.
    static func characterBoundary(_ bytes: [UInt8], atOrBefore cut: Int) -> Int {
        var start = cut
        while start > 0, cut - start < 3, bytes[start - 1] & 0b1100_0000 == 0b1000_0000 { start -= 1 }
        guard start > 0 else { return cut }
        let lead = bytes[start - 1]
        let length = lead >= 0b1111_0000 ? 4 : lead >= 0b1110_0000 ? 3 : lead >= 0b1100_0000 ? 2 : 1
        return start - 1 + length > cut ? start - 1 : cut
    }
}
