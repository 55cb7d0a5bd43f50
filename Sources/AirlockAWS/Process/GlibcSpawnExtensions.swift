#if canImport(Glibc)
import Glibc

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
    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) throws(SpawnError) {
        guard let closeFromFunction, closeFromFunction(actions, lowest) == 0 else {
            throw SpawnError("This C library cannot close descriptors for a child (glibc 2.34 or later needed).")
        }
    }

    /// Starts the child in `path`.
    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) throws(SpawnError) {
        guard let changeDirectoryFunction, changeDirectoryFunction(actions, path) == 0 else {
            throw SpawnError("This C library cannot start a child in a folder (glibc 2.29 or later needed).")
        }
    }
}
#endif
