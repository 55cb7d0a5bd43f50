import Foundation

/// The processor time a process and all its descendants have used, read from `/proc`: how a wait tells a
/// program that is busy starting on a loaded machine (its time grows) from one that is stuck (it does not).
enum ProcessTreeTime {
    /// Clock ticks used so far by `root` and every process below it; 0 when `root` is gone.
    static func ticks(under root: pid_t) -> Int {
        var parents: [pid_t: pid_t] = [:]
        var used: [pid_t: Int] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the command's closing parenthesis: state, ppid, ..., utime (12th), stime (13th).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let parent = pid_t(fields[1]),
                  let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            parents[pid] = parent
            used[pid] = user.addingReportingOverflow(system).partialValue
        }
        var total = 0
        for (pid, ticks) in used where descends(pid, from: root, parents: parents) {
            total = total.addingReportingOverflow(ticks).partialValue
        }
        return total
    }

    private static func descends(_ pid: pid_t, from root: pid_t, parents: [pid_t: pid_t]) -> Bool {
        var current = pid
        // A pid chain is at most as long as the table; the bound keeps a racing reparent from looping.
        for _ in 0...parents.count {
            if current == root { return true }
            guard let parent = parents[current], parent != current, parent > 0 else { return false }
            current = parent
        }
        return false
    }
}
