import Foundation

/// The data folder and what it holds are the server's alone, whoever made the folder and whatever the
/// umask: the folder 0700, the SQLite database (with its journal files) and `secret.key` 0600.
enum DataFolderPermissions {
    static let privateFiles = ["airlock.sqlite", "airlock.sqlite-wal", "airlock.sqlite-shm", "airlock.sqlite-journal", "secret.key"]

    static func tighten(_ dataDirectory: URL) throws {
        let files = FileManager.default
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory.path)
        for name in privateFiles {
            let path = dataDirectory.appendingPathComponent(name).path
            // attributesOfItem does not follow links: a link is left alone rather than changing its target.
            guard (try? files.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeRegular else { continue }
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }
}
