import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces this process with a program (`execvp`), giving it what `PosixSpawn` gives a child: default handling of
/// every signal and none blocked, and no descriptor of this process's but 0, 1 and 2. Swift runs code on threads
/// that block most signals, and this process ignores SIGPIPE; an exec keeps the calling thread's mask and what is
/// ignored, so without this the program would not stop on Ctrl-C, SIGTERM or SIGHUP, and would inherit the
/// runtime's event descriptors. A signal this process's parent left ignored (SIGHUP under `nohup`) stays ignored, as
/// exec keeps it: `recordInheritedSignals()` notes them when the program starts.
public enum ProcessImage {
    private static let ignoredAtStart = Mutex<Set<Int32>>([])

    /// Notes the signals ignored when this process started; call it first thing, before anything of its own ignores one.
    /// An ignored SIGCHLD is set back to default for this process (the kernel would otherwise reap its children
    /// before it could read their status), and ignored again for a program exec starts.
    public static func recordInheritedSignals() {
        var ignored = Set<Int32>()
        for number in 1..<signalLimit where number != SIGKILL && number != SIGSTOP {
            var action = sigaction()
            if sigaction(number, nil, &action) == 0, SignalInterception.isIgnored(action) { ignored.insert(number) }
        }
        if ignored.contains(SIGCHLD) { signal(SIGCHLD, SIG_DFL) }
        ignoredAtStart.withLock { $0 = ignored }
    }

    /// The signals this process was started with ignored (as far as `recordInheritedSignals` noted).
    static var inheritedIgnoredSignals: Set<Int32> { ignoredAtStart.withLock { $0 } }

    /// Runs `arguments[0]` (searched in PATH) in place of this process; returns only if that failed, with `errno`.
    public static func replace(with arguments: [String]) -> Int32 {
        guard let program = arguments.first else { return EINVAL }
        for descriptor in openDescriptors() where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        let keepIgnored = ignoredAtStart.withLock { $0 }
        for number in 1..<signalLimit where number != SIGKILL && number != SIGSTOP {
            signal(number, keepIgnored.contains(number) ? SIG_IGN : SIG_DFL)
        }
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        let argv = arguments.map { strdup($0) } + [nil]
        execvp(program, argv)
        let reason = errno
        for pointer in argv { free(pointer) }
        return reason
    }

    /// This process's open descriptors: those /proc lists, else every number below the limit.
    private static func openDescriptors() -> [Int32] {
        if let listed = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return listed.compactMap { Int32($0) }
        }
        return Array(0..<Int32(min(max(sysconf(Int32(_SC_OPEN_MAX)), 3), 65536)))
    }

    #if canImport(Glibc)
    /// glibc's _NSIG: signals are 1 to 64.
    private static let signalLimit: Int32 = 65
    #else
    private static let signalLimit = Int32(NSIG)
    #endif
}
