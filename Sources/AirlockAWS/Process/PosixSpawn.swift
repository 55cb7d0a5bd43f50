#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts programs with `posix_spawn`, the only way this project starts one. The child gets exactly the
/// descriptors it is given and no other of this process's (however many are open, whatever their flags),
/// default handling of every signal and no blocked signal (whatever this process inherited or set), and
/// exactly the environment it is given.
public enum PosixSpawn {
    /// Something that runs a spawn on a thread of its choosing and returns what it returned.
    public typealias Launcher = (_ spawn: @escaping @Sendable () -> (result: Int32, pid: pid_t)) throws -> (result: Int32, pid: pid_t)

    /// Starts `executable` (a path: no search of PATH) and returns its pid; the caller must reap it
    /// (`ChildExit`).
    /// - Parameters:
    ///   - descriptors: the child's descriptors 0, 1, 2, 3, ... in this order.
    ///   - directory: the folder it starts in; nil keeps this process's.
    ///   - newSession: true starts it in a session (and process group) of its own, without a controlling terminal.
    ///   - launcher: where the spawn happens; nil is the calling thread.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String], descriptors: [ChildDescriptor],
        directory: String? = nil, newSession: Bool = false, launcher: Launcher? = nil
    ) throws(SpawnError) -> pid_t {
        var actions = SpawnPlatform.makeFileActions()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (index, descriptor) in descriptors.enumerated() {
            switch descriptor {
            case .nullDevice:
                posix_spawn_file_actions_addopen(&actions, Int32(index), "/dev/null", O_RDWR, 0)
            case let .descriptor(parent):
                posix_spawn_file_actions_adddup2(&actions, parent, Int32(index))
            }
        }
        try SpawnPlatform.closeOthers(&actions, from: Int32(descriptors.count))
        if let directory { try SpawnPlatform.changeDirectory(&actions, directory) }
        var attributes = SpawnPlatform.makeAttributes()
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
        let flags = Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK) | SpawnPlatform.closeOthersFlag
            | (newSession ? SpawnPlatform.setSessionFlag : 0)
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let outcome: (result: Int32, pid: pid_t)
        do {
            outcome = try withUnsafeMutablePointer(to: &actions) { actions in
                try withUnsafeMutablePointer(to: &attributes) { attributes in
                    let request = SpawnRequest(executable: executable, actions: actions, attributes: attributes, argv: argv, envp: envp)
                    return try (launcher ?? { try Self.here($0) }) { request.start() }
                }
            }
        } catch let error as SpawnError {
            throw error
        } catch {
            throw SpawnError("Cannot start \(executable): \(error)")
        }
        guard outcome.result == 0 else {
            throw SpawnError("Cannot start \(executable): \(String(cString: strerror(outcome.result)))")
        }
        return outcome.pid
    }

    private static func here(_ spawn: @Sendable () -> (result: Int32, pid: pid_t)) throws -> (result: Int32, pid: pid_t) {
        spawn()
    }
}

/// What `posix_spawn` needs, carried to a launcher's thread.
private struct SpawnRequest: @unchecked Sendable {
    // @unchecked: the pointers are only read, by one thread at a time, and stay valid throughout: the
    // caller of `PosixSpawn.start` is blocked until the spawn returns and frees them only afterwards.
    let executable: String
    let actions: UnsafeMutablePointer<SpawnPlatform.FileActions>
    let attributes: UnsafeMutablePointer<SpawnPlatform.Attributes>
    let argv: [UnsafeMutablePointer<CChar>?]
    let envp: [UnsafeMutablePointer<CChar>?]

    /// `posix_spawn`'s result and the child's pid.
    func start() -> (result: Int32, pid: pid_t) {
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, actions, attributes, argv, envp)
        return (result, child)
    }
}
