import CompressNIO
import Foundation
import NIOCore

/// A configuration upload: a gzip-compressed tar archive, checked before it is stored and extracted
/// safely into a run's working folder.
enum ConfigurationArchive {
    /// Largest upload accepted, compressed.
    static let maximumCompressedBytes = 16 << 20
    static let limits = TarArchive.Limits(maximumEntries: 10_000, maximumBytes: 128 << 20)

    /// The entries of `archive`, checked, without their contents; throws `ArchiveRefusal` with the
    /// reason. Inflates as it reads (a window at a time, stopping at the limit): run it off the event loop.
    @discardableResult
    static func check(_ archive: ByteBuffer) throws -> [TarArchive.Entry] {
        guard archive.readableBytes <= maximumCompressedBytes else {
            throw ArchiveRefusal(reason: "it is larger than \(maximumCompressedBytes >> 20) MiB.")
        }
        let entries = try reading(archive) { try TarArchive.entries(in: &$0, limits: limits, keepingContents: false) }
        guard entries.contains(where: { !$0.path.contains("/") && ($0.path.hasSuffix(".tf") || $0.path.hasSuffix(".tf.json")) }) else {
            throw ArchiveRefusal(reason: "it has no .tf or .tf.json file at its top level.")
        }
        if let reserved = entries.first(where: { reservedNames.contains($0.path) }) {
            throw ArchiveRefusal(reason: "\(reserved.path) is a name Airlock writes itself in the working folder; rename it.")
        }
        if let override = entries.first(where: { isOverrideFile($0.path) }) {
            throw ArchiveRefusal(reason: "\(override.path) is an override file at the top level. Airlock's own override file sets the state backend and must not be overridden; merge its content into a regular .tf file.")
        }
        return entries
    }

    /// Runs `body` on the inflating reader of `archive`, turning what goes wrong into `invalidArchive`.
    private static func reading<T>(_ archive: ByteBuffer, _ body: (inout GzipSource) throws -> T) throws -> T {
        // The tar stream may hold headers and padding beyond the contents' limit.
        let inflatedLimit = limits.maximumBytes + (limits.maximumEntries + 2) * 1024
        do {
            var source = try GzipSource(archive, maximumBytes: inflatedLimit)
            return try body(&source)
        } catch is GzipSource.Overflow {
            throw ArchiveRefusal(reason: "it expands to more than \(limits.maximumBytes >> 20) MiB.")
        } catch is GzipSource.Corrupt {
            throw ArchiveRefusal(reason: "it is not gzip-compressed (make it with tar -czf).")
        } catch let refused as TarArchive.Refused {
            throw ArchiveRefusal(reason: refused.description)
        }
    }

    /// Names Airlock writes at the top of a run's working folder.
    static let reservedNames: Set<String> = [RunWorkspace.overrideFile, RunWorkspace.planFile]

    /// Terraform's override files of the root module (`override.tf`, `*_override.tf`, and `.tf.json`):
    /// Terraform merges them last, in name order, so one could replace the backend Airlock sets.
    static func isOverrideFile(_ path: String) -> Bool {
        guard !path.contains("/") else { return false }
        for suffix in [".tf", ".tf.json"] where path.hasSuffix(suffix) {
            let stem = path.dropLast(suffix.count)
            if stem == "override" || stem.hasSuffix("_override") { return true }
        }
        return false
    }

    /// Checks `archive` and writes its entries under `folder` (which must exist), one entry in memory at a
    /// time. Files are 0644, or 0755 if executable. No link is ever followed, whatever the entries hold:
    /// each component is opened with `O_NOFOLLOW` under the one before it, and an entry that would pass
    /// through a link (or a file) is refused.
    static func extract(_ archive: Data, into folder: URL) throws {
        let buffer = ByteBuffer(bytes: archive)
        try check(buffer)
        let root = open(folder.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { throw ArchiveRefusal(reason: "the working folder could not be opened (\(String(cString: strerror(errno)))).") }
        defer { close(root) }
        try reading(buffer) { source in
            try TarArchive.forEachEntry(in: &source, limits: limits, keepingContents: true) { try write($0, under: root) }
        }
    }

    private static func write(_ entry: TarArchive.Entry, under root: Int32) throws {
        var parts = entry.path.split(separator: "/").map(String.init)
        guard let name = parts.popLast() else { return }
        var directory = root
        defer { if directory != root { close(directory) } }
        for part in parts {
            let next = try openDirectory(part, in: directory, creating: true, entry: entry.path)
            if directory != root { close(directory) }
            directory = next
        }
        switch entry.kind {
        case .directory:
            close(try openDirectory(name, in: directory, creating: true, entry: entry.path))
        case let .symlink(destination):
            try removeExisting(name, in: directory, entry: entry.path)
            guard symlinkat(destination, directory, name) == 0 else { throw unwritable(entry.path) }
        case let .file(executable):
            try removeExisting(name, in: directory, entry: entry.path)
            let file = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0o755 : 0o644)
            guard file >= 0 else { throw unwritable(entry.path) }
            let handle = FileHandle(fileDescriptor: file, closeOnDealloc: true)
            try handle.write(contentsOf: entry.contents)
        }
    }

    /// The folder `name` in `directory`, made if missing; refused if it is a link or not a folder.
    private static func openDirectory(_ name: String, in directory: Int32, creating: Bool, entry: String) throws -> Int32 {
        var opened = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if opened < 0, errno == ENOENT, creating {
            guard mkdirat(directory, name, 0o755) == 0 else { throw unwritable(entry) }
            opened = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard opened >= 0 else { throw ArchiveRefusal(reason: "\(entry) passes through \(name), which is a link or a file.") }
        return opened
    }

    /// Replaces whatever an earlier entry put at `name` (never writing through it); a folder stays and
    /// refuses the entry.
    private static func removeExisting(_ name: String, in directory: Int32, entry: String) throws {
        guard unlinkat(directory, name, 0) == 0 || errno == ENOENT else {
            throw ArchiveRefusal(reason: "\(entry) would replace a folder of the archive.")
        }
    }

    private static func unwritable(_ entry: String) -> ArchiveRefusal {
        ArchiveRefusal(reason: "\(entry) could not be written (\(String(cString: strerror(errno)))).")
    }
}
