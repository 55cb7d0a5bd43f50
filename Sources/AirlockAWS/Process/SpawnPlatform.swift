#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `posix_spawn` spells differently on each C library: how a child gets no descriptor but those it is
/// given, a folder to start in, and a session of its own.
enum SpawnPlatform {
    #if canImport(Glibc)
    typealias FileActions = posix_spawn_file_actions_t
    typealias Attributes = posix_spawnattr_t

    /// glibc's `POSIX_SPAWN_SETSID` (2.26 and later), which Swift's Glibc module does not export.
    static let setSessionFlag: Int32 = 0x80
    /// glibc closes the other descriptors with a file action (below), not a flag.
    static let closeOthersFlag: Int32 = 0

    static func makeFileActions() -> FileActions { FileActions() }
    static func makeAttributes() -> Attributes { Attributes() }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<FileActions>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<FileActions>, UnsafePointer<CChar>) -> Int32

    // glibc's `posix_spawn_file_actions_addclosefrom_np` and `_addchdir_np` (2.34 and 2.29), which Swift's
    // Glibc module does not export; looked up once at run time.
    private static let closeFromFunction: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    private static let changeDirectoryFunction: ChangeDirectory? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }

    /// Closes every descriptor from `lowest` up in the child.
    static func closeOthers(_ actions: UnsafeMutablePointer<FileActions>, from lowest: Int32) throws(SpawnError) {
        guard let closeFromFunction, closeFromFunction(actions, lowest) == 0 else {
            throw SpawnError("This C library cannot close descriptors for a child (glibc 2.34 or later needed).")
        }
    }

    /// Starts the child in `path`.
    static func changeDirectory(_ actions: UnsafeMutablePointer<FileActions>, _ path: String) throws(SpawnError) {
        guard let changeDirectoryFunction, changeDirectoryFunction(actions, path) == 0 else {
            throw SpawnError("This C library cannot start a child in a folder (glibc 2.29 or later needed).")
        }
    }
    #elseif canImport(Darwin)
    // Darwin's are pointers that `_init` allocates.
    typealias FileActions = posix_spawn_file_actions_t?
    typealias Attributes = posix_spawnattr_t?

    static let setSessionFlag = Int32(POSIX_SPAWN_SETSID)
    /// Darwin closes every descriptor that no file action names (its dup2 targets stay open).
    static let closeOthersFlag = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)

    static func makeFileActions() -> FileActions { nil }
    static func makeAttributes() -> Attributes { nil }

    static func closeOthers(_ actions: UnsafeMutablePointer<FileActions>, from lowest: Int32) throws(SpawnError) {}

    static func changeDirectory(_ actions: UnsafeMutablePointer<FileActions>, _ path: String) throws(SpawnError) {
        let result = posix_spawn_file_actions_addchdir_np(actions, path)
        guard result == 0 else { throw SpawnError("Cannot start a child in \(path): \(String(cString: strerror(result))).") }
    }
    #endif
}
