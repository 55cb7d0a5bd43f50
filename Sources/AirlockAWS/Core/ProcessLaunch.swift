import Foundation

/// Starts Foundation `Process`es one at a time. On Linux, `Process.run()` walks every open descriptor and
/// registers the child with a shared run loop; the test process, which starts many children from parallel
/// tests, crashed inside it once. Serializing launches is a precaution that costs a millisecond per launch.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// `process.run()`, never concurrently with another launch through here.
    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
