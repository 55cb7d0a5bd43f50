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
    /// The longest wait for another airlock: a prompt left open elsewhere holds nobody up for longer.
    public static let longestWait: Duration = .seconds(300)

    /// The keys this task holds (a chain that reaches the same role twice must not wait for itself).
    @TaskLocal private static var held: Set<String> = []

    public static func isHeld(_ key: String) -> Bool { held.contains(key) }

    /// Runs `body` holding the lock of `key` in `folder`; `waiting` is called once if another process holds it. A lock
    /// file that is not this user's, or a wait past `longestWait`, goes on without the lock (`notice` says which).
    public static func withLock<T: Sendable>(_ key: String, in folder: URL, waiting: @Sendable () -> Void,
                                             notice: @Sendable (String) -> Void, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = folder.appendingPathComponent(key + ".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        var status = stat()
        guard descriptor >= 0, fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_uid == geteuid() else {
            if descriptor >= 0 { close(descriptor) }
            notice("The lock file \(path) is not yours; going on without it.")
            return try await body()
        }
        defer { close(descriptor) }  // closing releases the lock
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            waiting()
            var waited: Duration = .zero
            while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                guard waited < longestWait else {
                    notice("Another airlock has held \(path) for \(longestWait); going on without it.")
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
                waited += .milliseconds(100)
            }
        }
        return try await $held.withValue(held.union([key])) { try await body() }
    }
}
