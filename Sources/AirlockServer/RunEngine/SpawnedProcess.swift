import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process for long-running work (Terraform, or the sandbox around it): in its own session (so
/// its own process group, and no controlling terminal), with default signal handling and no blocked
/// signals (whatever the server inherited), standard input from /dev/null, standard output and error
/// merged into one pipe, and no other descriptor of the server than those it is given. It is started on
/// the `LauncherThread`. Output arrives on `output`; blocking reads and the wait happen on their own
/// threads, never on Swift concurrency's.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    /// The merged output, in the order written; finishes when every writer has closed it.
    let output: AsyncStream<Data>
    private let exit: AsyncStream<Int32>

    struct SpawnFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameter descriptors: the server's descriptors the child gets, as 3, 4, ... in this order.
    init(executable: String, arguments: [String], environment: [String: String], directory: URL, passing descriptors: [Int32] = []) throws {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw SpawnFailed(description: "Cannot create a pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        for (index, descriptor) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, 3 + Int32(index))
        }
        try GlibcSpawnExtensions.closeFrom(&actions, 3 + Int32(descriptors.count))
        try GlibcSpawnExtensions.changeDirectory(&actions, directory.path)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | GlibcSpawnExtensions.setSessionFlag))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let (spawned, child) = try withUnsafeMutablePointer(to: &actions) { actions in
            try withUnsafeMutablePointer(to: &attributes) { attributes in
                let spawn = SpawnRequest(executable: executable, actions: actions, attributes: attributes, argv: argv, envp: envp)
                return try LauncherThread.shared.run { spawn.start() }
            }
        }
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw SpawnFailed(description: "Cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        pid = child
        let spawnedPID = child
        let readEnd = pipe[0]
        let (output, outputContinuation) = AsyncStream<Data>.makeStream()
        self.output = output
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count > 0 {
                    outputContinuation.yield(Data(buffer[0..<count]))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(readEnd)
            outputContinuation.finish()
        }
        let (exit, exitContinuation) = AsyncStream<Int32>.makeStream()
        self.exit = exit
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(spawnedPID, &status, 0) < 0, errno == EINTR {}
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            exitContinuation.yield(code)
            exitContinuation.finish()
        }
    }

    /// The exit status (128 + signal number when killed by a signal).
    func waitForExit() async -> Int32 {
        for await code in exit { return code }
        return -1
    }

    /// SIGKILL to the whole process group, so nothing it started lingers (or holds the output open).
    func killGroup() {
        kill(-pid, SIGKILL)
    }
}

/// What `posix_spawn` needs, carried to the launcher thread. The pointers stay valid because the caller
/// waits for the spawn before it frees them.
private struct SpawnRequest: @unchecked Sendable {
    // @unchecked: the pointers are only read, on one thread at a time (the caller is blocked meanwhile).
    let executable: String
    let actions: UnsafeMutablePointer<posix_spawn_file_actions_t>
    let attributes: UnsafeMutablePointer<posix_spawnattr_t>
    let argv: [UnsafeMutablePointer<CChar>?]
    let envp: [UnsafeMutablePointer<CChar>?]

    /// `posix_spawn`'s result and the child's pid.
    func start() -> (Int32, pid_t) {
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, actions, attributes, argv, envp)
        return (result, child)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `_addchdir_np` (glibc 2.34 and 2.29), which
/// Swift's Glibc module does not export; looked up once at run time.
enum GlibcSpawnExtensions {
    /// glibc's `POSIX_SPAWN_SETSID` (2.26 and later), which Swift's Glibc module does not export.
    static let setSessionFlag: Int32 = 0x80

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static let closeFromFunction: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    private static let changeDirectoryFunction: ChangeDirectory? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }

    /// Closes every descriptor from `lowest` up in the child.
    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) throws {
        guard let closeFromFunction, closeFromFunction(actions, lowest) == 0 else {
            throw SpawnedProcess.SpawnFailed(description: "This C library cannot close descriptors for a child (glibc 2.34 or later needed).")
        }
    }

    /// Starts the child in `path`.
    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) throws {
        guard let changeDirectoryFunction, changeDirectoryFunction(actions, path) == 0 else {
            throw SpawnedProcess.SpawnFailed(description: "This C library cannot start a child in a folder (glibc 2.29 or later needed).")
        }
    }
}
