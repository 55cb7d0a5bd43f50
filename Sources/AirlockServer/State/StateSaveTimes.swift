import Foundation

/// How long this server took to store each state a run's Terraform saved through the http backend (Terraform
/// talks to the server that runs it), for the apply's timings line.
actor StateSaveTimes {
    static let shared = StateSaveTimes()

    struct Saves: Sendable {
        var count = 0
        var bytes = 0
        var duration: Duration = .zero
    }

    private var saves: [UUID: Saves] = [:]

    func record(_ runID: UUID, bytes: Int, duration: Duration) {
        saves[runID, default: Saves()].count += 1
        saves[runID, default: Saves()].bytes += bytes
        saves[runID, default: Saves()].duration += duration
    }

    /// The run's saves so far, forgotten once taken.
    func take(_ runID: UUID) -> Saves? {
        saves.removeValue(forKey: runID)
    }
}
