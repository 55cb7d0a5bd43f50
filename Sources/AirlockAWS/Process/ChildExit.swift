import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reaps a spawned child on a thread of its own (a blocking `waitpid` for exactly that pid, so no other
/// child's exit is taken) and reports its status.
public enum ChildExit {
    /// Finishes with one value, the child's exit status (128 + the signal's number when a signal ended it).
    /// - Parameter beforeReaping: runs once the child has ended but before its pid is released (while it cannot be
    ///   another process's yet): the moment to stop signalling it.
    public static func watch(_ pid: pid_t, beforeReaping: (@Sendable () -> Void)? = nil) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        Thread.detachNewThread {
            if let beforeReaping {
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                beforeReaping()
            }
            continuation.yield(wait(pid))
            continuation.finish()
        }
        return stream
    }

    /// Blocks until the child ends; its exit status as `watch` reports it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
