import Foundation
import Synchronization

/// The limits of one run phase while it executes: its control group (where the server may make one), rlimits on
/// each process, and the size of its folder, which the phase's monitor checks as Terraform runs.
final class RunPhaseLimits: Sendable {
    let limits: RunLimits
    let group: RunControlGroup?
    /// The phase's folder, whose size is limited.
    let folder: URL
    private let lastDiskCheck = Mutex(ContinuousClock.now - .seconds(60))

    static let prlimit = "/usr/bin/prlimit"
    /// How often the folder's size is measured.
    static let diskCheckInterval = Duration.seconds(2)

    init(limits: RunLimits, group: RunControlGroup?, folder: URL) {
        self.limits = limits
        self.group = group
        self.folder = folder
    }

    /// The command a process of the phase is started through: it joins the control group (before anything of the
    /// run exists, so nothing escapes it), sets its rlimits (inherited by everything it starts), then runs the rest.
    var launchPrefix: [String] {
        let joins = group?.membershipFiles ?? []
        let join = #"n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@""#
        return ["/bin/sh", "-c", join, "airlock-run", String(joins.count)] + joins
            + [Self.prlimit, "--nofile=\(limits.openFiles):\(limits.openFiles)", "--fsize=\(limits.diskBytes):\(limits.diskBytes)", "--core=0", "--"]
    }

    /// The limit the phase went past, named for its log, if it did. The folder is measured at most every
    /// `diskCheckInterval` unless `now` asks for it.
    func exceeded(now: Bool = false) -> String? {
        if let limit = group?.exceededLimit() { return limit }
        let due = lastDiskCheck.withLock { last in
            guard now || ContinuousClock.now - last >= Self.diskCheckInterval else { return false }
            last = ContinuousClock.now
            return true
        }
        if due, RunDiskUsage.bytes(under: folder) > limits.diskBytes { return "disk (\(RunLimits.describe(limits.diskBytes)) in its folder)" }
        return nil
    }

    func remove() {
        group?.remove()
    }
}
