/// A limit a phase's own programs ran into and reported themselves (the kernel refused them, nothing was
/// stopped): its `/tmp` or its folder full, a file past the largest it may write, its open files. Read from the
/// phase's output, so that the run's error names the limit and the option that sets it, not only the program's
/// "No space left on device".
enum ResourceExhaustion: CaseIterable, Hashable, Sendable {
    case space
    case fileSize
    case openFiles

    /// The kernel's own words (strerror), as programs print them; matched without regard to case.
    var symptom: String {
        switch self {
        case .space: "no space left on device"
        case .fileSize: "file too large"
        case .openFiles: "too many open files"
        }
    }

    /// The longest symptom: how much of the output's end a scan keeps for the next piece.
    static let longestSymptom = allCases.map(\.symptom.utf8.count).max() ?? 0

    /// What the run's error adds, with the limit as the server set it.
    func explanation(_ limits: RunLimits) -> String {
        switch self {
        case .space:
            "It ran out of space: its /tmp holds \(RunLimits.describe(limits.tmpBytes)) and its folder \(RunLimits.describe(limits.diskBytes)) "
                + "(the server's --run-tmp and --run-disk), unless the server's own disk is full."
        case .fileSize:
            "A file it wrote went past the largest it may write, \(RunLimits.describe(limits.diskBytes)) (the server's --run-disk)."
        case .openFiles:
            "It ran out of open files: each of its processes may have \(limits.openFiles) open (the server's --run-open-files)."
        }
    }

    /// Scans a phase's output as it arrives, in pieces that may split a symptom.
    struct Scanner: Sendable {
        private(set) var found: Set<ResourceExhaustion> = []
        private var tail = ""

        mutating func scan(_ bytes: some Collection<UInt8>) {
            guard found.count < ResourceExhaustion.allCases.count else { return }
            let text = tail + String(decoding: bytes, as: UTF8.self).lowercased()
            for exhaustion in ResourceExhaustion.allCases where text.contains(exhaustion.symptom) { found.insert(exhaustion) }
            tail = String(text.suffix(ResourceExhaustion.longestSymptom))
        }
    }
}
