import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One airlock at a time makes a role session: an exclusive lock (`flock`) on a file beside the session's cache
/// entry, held around reading the cache again, asking for the MFA code, calling STS and storing the session. Two
/// callers at once (Terraform configuring several providers through `credential_process`, `make -j`) then share
/// one prompt and one code: the second waits, finds the first's session in the cache and asks nothing. The lock
/// goes with the process, so a killed airlock holds nothing.
public enum RoleSessionLock {
    /// Runs `body` holding the lock of `key` in `folder`; `waiting` is called once if another process holds it.
    public static func withLock<T: Sendable>(_ key: String, in folder: URL, waiting: @Sendable () -> Void,
                                             _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = folder.appendingPathComponent(key + ".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }  // closing releases the lock
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            waiting()
            try await lockBlocking(descriptor, path: path)
        }
        return try await body()
    }

    /// Waits for the lock on a thread of its own (a blocked `flock` must not hold one of Swift's few threads).
    private static func lockBlocking(_ descriptor: Int32, path: String) async throws {
        let failure: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var result: Int32 = 0
                repeat { result = flock(descriptor, LOCK_EX) == 0 ? 0 : errno } while result == EINTR
                continuation.resume(returning: result)
            }
        }
        if failure != 0 { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(failure))) }
    }
}
