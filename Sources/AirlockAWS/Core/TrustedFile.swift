import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files Airlock takes credentials from only when this user alone could have written them: another user's file, or
/// one in a folder others may write in, could hand this user someone else's session.
enum TrustedFile {
    /// Whether `folder` is this user's and nobody else may write in it; a folder not made yet will be, 0700.
    static func isPrivateFolder(_ folder: URL) -> Bool {
        var status = stat()
        guard lstat(folder.path, &status) == 0 else { return errno == ENOENT }
        return (status.st_mode & S_IFMT) == S_IFDIR && status.st_uid == geteuid() && status.st_mode & 0o022 == 0
    }

    /// The contents of a regular file (not a link) owned by this user and writable by nobody else, at most 1 MiB,
    /// checked on the descriptor that reads it (so it cannot be swapped between the check and the read).
    static func contents(of url: URL) -> Data? {
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_uid == geteuid(),
              status.st_mode & 0o022 == 0, status.st_size <= 1 << 20 else { return nil }
        return try? handle.readToEnd()
    }
}
