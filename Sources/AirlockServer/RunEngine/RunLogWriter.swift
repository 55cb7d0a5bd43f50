import Fluent
import Foundation

/// Writes a run phase's log as Terraform produces it: split into lines, every sensitive value masked,
/// stored in the database in chunks (so a crash loses at most the last fraction of a second, and any server
/// can stream it), and capped with a clear marker.
actor RunLogWriter {
    static let mask = "***"
    let runID: UUID
    let phase: RunLogChunk.Phase
    private let database: any Database
    private var secrets: [String]
    private let maximumBytes: Int
    private var sequence = 0
    private var pendingText = ""
    private var partialLine = Data()
    private var writtenBytes = 0
    private var truncated = false

    /// - Parameters:
    ///   - secrets: values that must never appear in the log (sensitive variables, credentials).
    init(runID: UUID, phase: RunLogChunk.Phase, secrets: [String], maximumBytes: Int, database: any Database) async throws {
        self.runID = runID
        self.phase = phase
        self.database = database
        // Longest first, so a secret containing another is masked whole.
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
        self.maximumBytes = maximumBytes
        let last = try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$phase == phase).max(\.$sequence)
        sequence = (last ?? -1) + 1
    }

    /// Terraform's raw output; complete lines are masked and queued for the next flush.
    func append(_ data: Data) {
        partialLine.append(data)
        while let newline = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
            let line = partialLine[partialLine.startIndex...newline]
            partialLine.removeSubrange(partialLine.startIndex...newline)
            add(String(decoding: line, as: UTF8.self))
        }
        if partialLine.count > 16 * 1024 {  // a very long line without a newline: take it as it is
            add(String(decoding: partialLine, as: UTF8.self))
            partialLine.removeAll()
        }
    }

    /// More values to mask from now on (credentials made for the phase).
    func masking(_ values: [String]) {
        secrets = (secrets + values.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    /// A line as it is (e.g. "Authenticated with MFA by ...").
    func line(_ text: String) {
        add(text + "\n")
    }

    /// A line of Airlock's own (e.g. what it is doing), masked like Terraform's.
    func note(_ line: String) {
        add("[airlock] " + line + "\n")
    }

    /// Stores what is queued.
    func flush() async throws {
        guard !pendingText.isEmpty else { return }
        // Text and number are taken before the save's suspension: flushes may interleave (a timer's and the
        // reader's), and each chunk must keep its own place.
        let text = pendingText
        let number = sequence
        pendingText = ""
        sequence += 1
        do {
            try await RunLogChunk(runID: runID, phase: phase, sequence: number, text: text).save(on: database)
        } catch {
            pendingText = text + pendingText
            throw error
        }
    }

    /// Stores everything, including an unfinished last line.
    func finish() async throws {
        if !partialLine.isEmpty {
            add(String(decoding: partialLine, as: UTF8.self) + "\n")
            partialLine.removeAll()
        }
        try await flush()
    }

    private func add(_ line: String) {
        guard !truncated else { return }
        var masked = line
        for secret in secrets where masked.contains(secret) {
            masked = masked.replacingOccurrences(of: secret, with: Self.mask)
        }
        if writtenBytes + masked.utf8.count > maximumBytes {
            truncated = true
            pendingText += "\n[airlock] The log reached its limit of \(maximumBytes / 1024) KiB; Terraform's further output was not kept.\n"
            return
        }
        writtenBytes += masked.utf8.count
        pendingText += masked
    }
}
