import CompressNIO
import Foundation
import NIOCore

/// A configuration upload: a gzip-compressed tar archive, checked before it is stored and extracted
/// safely into a run's working folder.
enum ConfigurationArchive {
    /// Largest upload accepted, compressed.
    static let maximumCompressedBytes = 16 << 20
    static let limits = TarArchive.Limits(maximumEntries: 10_000, maximumBytes: 128 << 20)

    /// The checked entries of `archive`; throws `APIError.invalidArchive` with the reason.
    static func entries(of archive: Data) throws -> [TarArchive.Entry] {
        guard archive.count <= maximumCompressedBytes else {
            throw APIError.invalidArchive("it is larger than \(maximumCompressedBytes >> 20) MiB.")
        }
        var buffer = ByteBuffer(bytes: archive)
        let tar: ByteBuffer
        do {
            tar = try buffer.decompress(with: .gzip(), maxSize: limits.maximumBytes + (limits.maximumEntries + 2) * 1024)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw APIError.invalidArchive("it expands to more than \(limits.maximumBytes >> 20) MiB.")
        } catch {
            throw APIError.invalidArchive("it is not gzip-compressed (make it with tar -czf).")
        }
        let entries: [TarArchive.Entry]
        do {
            entries = try TarArchive.entries(of: Data(tar.readableBytesView), limits: limits)
        } catch let refused as TarArchive.Refused {
            throw APIError.invalidArchive(refused.description)
        }
        guard entries.contains(where: { !$0.path.contains("/") && ($0.path.hasSuffix(".tf") || $0.path.hasSuffix(".tf.json")) }) else {
            throw APIError.invalidArchive("it has no .tf or .tf.json file at its top level.")
        }
        return entries
    }

    /// Writes checked entries under `folder` (which must exist). Files are 0644, or 0755 if executable.
    static func extract(_ entries: [TarArchive.Entry], into folder: URL) throws {
        let files = FileManager.default
        for entry in entries {
            let target = folder.appendingPathComponent(entry.path)
            try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Replace whatever an earlier entry put here, never write through it.
            if (try? files.attributesOfItem(atPath: target.path)) != nil, entry.kind != .directory {
                try files.removeItem(at: target)
            }
            switch entry.kind {
            case .directory:
                try files.createDirectory(at: target, withIntermediateDirectories: true)
            case let .symlink(destination):
                try files.createSymbolicLink(atPath: target.path, withDestinationPath: destination)
            case let .file(executable):
                guard files.createFile(atPath: target.path, contents: entry.contents,
                                       attributes: [.posixPermissions: executable ? 0o755 : 0o644]) else {
                    throw APIError.invalidArchive("\(entry.path) could not be written.")
                }
            }
        }
    }
}
