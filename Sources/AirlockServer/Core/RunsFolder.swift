import AirlockAWS
import Crypto
import Foundation

/// The folder runs' working folders live in: given by the operator, or by default one per data folder in
/// the system's temporary folder. Either way it is a real folder of this user's, closed to everyone else
/// (a folder someone else made, or a link, is refused: it could be swapped under the runs).
enum RunsFolder {
    struct Unusable: Error, CustomStringConvertible {
        let description: String
    }

    /// The folder for `configuration`, created (0700) if needed and checked.
    static func prepare(for configuration: ServerConfiguration) throws -> URL {
        let folder = configuration.workDirectory ?? defaultFolder(dataDirectory: configuration.dataDirectory)
        let dataFolder = configuration.dataDirectory.standardizedFileURL.resolvingSymlinksInPath().path
        let standardized = folder.standardizedFileURL.path
        guard standardized != dataFolder, !standardized.hasPrefix(dataFolder + "/") else {
            throw Unusable(description: "The work folder \(folder.path) is inside the data folder \(dataFolder), which runs must not reach; choose another --work-dir.")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Unusable(description: "The work folder \(folder.path) cannot be created: \(error.localizedDescription)")
        }
        // attributesOfItem does not follow a link: a link here is seen as one.
        let attributes = (try? FileManager.default.attributesOfItem(atPath: folder.path)) ?? [:]
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw Unusable(description: "The work folder \(folder.path) is not a folder (a link?); remove it or choose another --work-dir.")
        }
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard owner == getuid(), mode & 0o077 == 0 else {
            throw Unusable(description: "The work folder \(folder.path) must belong to this user with mode 0700 (it has mode \(String(mode, radix: 8)), owner \(owner.map(String.init) ?? "?")); fix it or choose another --work-dir.")
        }
        return folder
    }

    /// `airlock-runs-<hash of the data folder's path>` in the temporary folder: stable across restarts
    /// (so leftovers are swept), distinct for each data folder.
    static func defaultFolder(dataDirectory: URL) -> URL {
        let path = dataDirectory.standardizedFileURL.resolvingSymlinksInPath().path
        let digest = Hex.encode(SHA256.hash(data: Data(path.utf8))).prefix(16)
        return FileManager.default.temporaryDirectory.appendingPathComponent("airlock-runs-\(digest)")
    }
}
