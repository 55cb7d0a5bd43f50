import Foundation

/// Starts Foundation `Process`es one at a time. On Linux, `Process.run()` called from several threads at
/// once has crashed this project's test process (in `Process.run` itself, and in Dispatch's event loop that
/// its child monitoring uses); a launch takes a millisecond, so serializing launches costs nothing.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// `process.run()`, never concurrently with another launch through here.
    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
