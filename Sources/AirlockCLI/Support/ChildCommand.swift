import AirlockAWS
import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command airlock starts and stays beside until it ends (`exec --server`), as a shell runs a foreground job: the
/// command shares airlock's terminal and process group, so Ctrl-C and Ctrl-\ reach it, and they are the command's to
/// act on (airlock ignores them meanwhile); SIGTERM and SIGHUP sent to airlock alone are passed on to it.
enum ChildCommand {
    /// Runs the command to its end and returns its exit status (128 + the signal's number when a signal ended it).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let child = Mutex<pid_t?>(nil)
        let forwarded: [Int32] = [SIGTERM, SIGHUP]
        let ignored: [Int32] = [SIGINT, SIGQUIT]
        var previous: [(Int32, sighandler_t?)] = []
        for number in forwarded + ignored { previous.append((number, signal(number, SIG_IGN))) }
        let sources = forwarded.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let pid = child.withLock({ $0 }) { kill(pid, number) }
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            for (number, handler) in previous { signal(number, handler) }
        }
        let pid = try PosixSpawn.start(executable, arguments, environment: environment, descriptors: [.descriptor(0), .descriptor(1), .descriptor(2)])
        child.withLock { $0 = pid }
        var status: Int32 = -1
        // No signal goes to its pid once it is reaped (the number could be another process's by then).
        for await ended in ChildExit.watch(pid, beforeReaping: { child.withLock { $0 = nil } }) { status = ended }
        return status
    }

    /// Ends airlock as `signal` ended the command, so whoever started airlock sees the same.
    static func endLike(signal number: Int32) -> Never {
        SignalInterception.raiseWithDefaultHandling(number)
        exit(128 + number)
    }
}
