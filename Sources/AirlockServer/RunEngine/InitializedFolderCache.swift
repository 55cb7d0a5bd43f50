import AirlockAWS
import Crypto
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What `terraform init` left in a phase's working folder (`.terraform`: providers, modules, the backend's settings;
/// and the dependency lock file), kept by the server so that a later phase of the same environment, configuration,
/// Terraform and variables skips `init`: a run's apply after its plan, and every plan of an unchanged configuration.
///
/// Why this keeps "nothing a plan phase wrote reaches its apply":
/// - an entry holds only what Terraform's own `init` wrote, before any of the configuration's code ran (`init` runs no
///   provider), moved out of the phase's folder at once, outside every sandbox's writable view;
/// - every phase, the one that filled the entry included, sees it read-only (`Bubblewrap`), so a plan's code cannot
///   change what a later apply executes; an apply still checks its providers against those its plan recorded;
/// - only sandboxed servers keep entries (unsandboxed, a run could write anywhere the server can);
/// - no credential is in an entry: the phase's state token is never in the backend block (`TerraformPhaseEnvironment`),
///   and the key is an HMAC, so an entry's name tells nothing of the variables it was made with.
///
/// Entries live in a folder of this server process (`initialized-<random>` under the work root). At most `capacity`
/// are kept (the least recently used go first), none that a phase is using is removed, and any unused for
/// `idleLifetime` goes; a restarted server (after a Terraform upgrade, say) starts empty.
final class InitializedFolderCache: Sendable {
    /// One kept working folder's `init` output.
    struct Entry: Equatable {
        let folder: URL

        init(folder: URL) {
            // One spelling whether or not the folder exists yet (Foundation adds a slash to an existing folder's URL).
            self.folder = URL(fileURLWithPath: folder.path, isDirectory: true)
        }

        /// Bound read-only over the phase's `.terraform`.
        var dataFolder: URL { folder.appendingPathComponent(".terraform") }
        /// Copied into the phase's working folder, where Terraform reads it.
        var lockFile: URL { folder.appendingPathComponent(".terraform.lock.hcl") }
        var name: String { folder.lastPathComponent }
    }

    /// This server's folder of entries.
    let root: URL
    /// How long an entry stays unused before it is removed.
    let idleLifetime: TimeInterval
    /// The most entries kept.
    let capacity: Int
    private let key: SymmetricKey
    /// The entries phases use now, by name, with how many phases use each: never removed. Taking, keeping and removing
    /// entries happen under this lock (removal renames an entry away first, then deletes it outside the lock).
    private let inUse = Mutex<[String: Int]>([:])

    static let folderPrefix = "initialized-"
    /// The log's line for a phase that skips `init`.
    static let reusedNote = "terraform init: skipped. This configuration was initialised for this environment before, with the same "
        + "Terraform and variables; its providers, modules and lock file are reused, read-only, as that init left them."

    init(workRoot: URL, secret: String, phaseTimeout: TimeInterval, capacity: Int = 8) throws {
        root = workRoot.appendingPathComponent(Self.folderPrefix + Hex.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        idleLifetime = max(6 * 60 * 60, phaseTimeout + 10 * 60)
        self.capacity = max(1, capacity)
        key = SymmetricKey(data: Data(secret.utf8))
    }

    /// The entry's name for what `init`'s result depends on: the environment (its and its organization's ids, and the
    /// backend's address), the configuration (by its archive's hash), the Terraform executable, the server's CLI
    /// configuration and every variable Terraform gets alike in each phase of the run (the run's and the server's
    /// passed-through ones).
    func key(environment: UUID, organization: UUID, archiveSHA256: String, backendAddress: String, terraform: String,
             variables: [String: String]) -> String {
        var parts = ["v1", organization.uuidString, environment.uuidString, archiveSHA256, backendAddress, terraform, Self.identity(ofFile: terraform)]
        if let configuration = variables["TF_CLI_CONFIG_FILE"] {
            let contents = (try? Data(contentsOf: URL(fileURLWithPath: configuration))) ?? Data()
            parts.append(Hex.encode(SHA256.hash(data: contents)))
        }
        parts += variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // Lengths first: no two different lists of parts read alike.
        let message = parts.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }

    /// The entry kept for `key`, marked as used now and in use until `release`; nil when there is none.
    func entry(_ key: String) -> Entry? {
        inUse.withLock { using in
            let entry = Entry(folder: root.appendingPathComponent(key))
            // Its time of last use: the folder's own modification time.
            guard Self.isFolder(entry.dataFolder), utimes(entry.folder.path, nil) == 0 else { return nil }
            using[entry.name, default: 0] += 1
            return entry
        }
    }

    /// Keeps what `init` left in `workspace` under `key` and returns the entry the phase goes on with (another phase's,
    /// if one stored the same key meanwhile), in use until `release`. The working folder keeps no `.terraform` of its
    /// own afterwards. Refused (the phase goes on with its own) where `init` linked to the phase's own folder, which
    /// no later phase has (providers bundled in the configuration).
    func store(_ key: String, from workspace: RunWorkspace) throws -> Entry {
        let made = workspace.folder.appendingPathComponent(".terraform")
        // Terraform made a folder; anything else (a link from the uploaded archive) is not kept.
        guard Self.isFolder(made) else { throw InitializedFolderCacheError.notAFolder }
        if let link = Self.linkIntoPhase(in: made, phase: workspace.root) { throw InitializedFolderCacheError.linksIntoThePhase(link) }
        let incoming = root.appendingPathComponent(".incoming-" + UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let lockFile = workspace.folder.appendingPathComponent(".terraform.lock.hcl")
            if let attributes = try? FileManager.default.attributesOfItem(atPath: lockFile.path), attributes[.type] as? FileAttributeType == .typeRegular {
                try FileManager.default.copyItem(at: lockFile, to: incoming.appendingPathComponent(".terraform.lock.hcl"))
            }
            // Last: until this succeeds, the phase still has its own `.terraform`.
            guard rename(made.path, incoming.appendingPathComponent(".terraform").path) == 0 else {
                throw InitializedFolderCacheError.unkept(String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: incoming)
            throw error
        }
        let (entry, evicted) = inUse.withLock { using -> (Entry, [URL]) in
            var entry = Entry(folder: root.appendingPathComponent(key))
            if rename(incoming.path, entry.folder.path) != 0 {
                if Self.isFolder(entry.dataFolder), utimes(entry.folder.path, nil) == 0 {
                    // Another phase kept the same key first (the same `init`'s result): this phase uses that one.
                    try? FileManager.default.removeItem(at: incoming)
                } else {
                    // Otherwise this phase keeps its own, under a name no other phase looks up; the sweep removes it.
                    entry = Entry(folder: incoming)
                }
            }
            using[entry.name, default: 0] += 1
            return (entry, evictions(beyond: capacity, using: using))
        }
        for folder in evicted { try? FileManager.default.removeItem(at: folder) }
        return entry
    }

    /// The phase that took `entry` is over with it.
    func release(_ entry: Entry) {
        inUse.withLock { using in
            guard let count = using[entry.name] else { return }
            using[entry.name] = count > 1 ? count - 1 : nil
        }
    }

    /// Removes entries unused for `idleLifetime` (none in use), and the folders of earlier server processes once as old.
    func sweep(now: Date = Date()) {
        let files = FileManager.default
        var removing = inUse.withLock { using in
            ((try? files.contentsOfDirectory(atPath: root.path)) ?? []).compactMap { name -> URL? in
                let entry = root.appendingPathComponent(name)
                guard using[name] == nil, Self.modified(entry).map({ now.timeIntervalSince($0) > idleLifetime }) ?? true else { return nil }
                return moveAway(entry)
            }
        }
        _ = utimes(root.path, nil)  // this server's folder is in use
        let workRoot = root.deletingLastPathComponent()
        for name in (try? files.contentsOfDirectory(atPath: workRoot.path)) ?? [] where name.hasPrefix(Self.folderPrefix) {
            let folder = workRoot.appendingPathComponent(name)
            if folder.lastPathComponent != root.lastPathComponent, Self.modified(folder).map({ now.timeIntervalSince($0) > idleLifetime }) ?? false {
                removing.append(folder)
            }
        }
        for folder in removing { try? files.removeItem(at: folder) }
    }

    /// Puts `entry` in `workspace`: any `.terraform` of the uploaded archive out (the entry is bound over its place,
    /// `RunWorkspace.initialized`), and the entry's dependency lock file in.
    static func place(_ entry: Entry, in workspace: inout RunWorkspace) throws {
        let files = FileManager.default
        for name in [".terraform", ".terraform.lock.hcl"] {
            let item = workspace.folder.appendingPathComponent(name)
            if (try? files.attributesOfItem(atPath: item.path)) != nil { try files.removeItem(at: item) }
        }
        if files.fileExists(atPath: entry.lockFile.path) {
            try files.copyItem(at: entry.lockFile, to: workspace.folder.appendingPathComponent(".terraform.lock.hcl"))
        }
        workspace.initialized = entry.dataFolder
    }

    /// Entries (not in use) to remove so that at most `capacity` stay, least recently used first; each is renamed
    /// away here, under the lock, and deleted by the caller.
    private func evictions(beyond capacity: Int, using: [String: Int]) -> [URL] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
        guard names.count > capacity else { return [] }
        let idle = names.filter { using[$0] == nil }
            .map { (name: $0, used: Self.modified(root.appendingPathComponent($0)) ?? .distantPast) }
            .sorted { $0.used < $1.used }
        return idle.prefix(names.count - capacity).compactMap { moveAway(root.appendingPathComponent($0.name)) }
    }

    /// Renames `entry` to a name no phase looks up; the new place, or nil.
    private func moveAway(_ entry: URL) -> URL? {
        let away = root.appendingPathComponent(".removing-" + UUID().uuidString.lowercased())
        return rename(entry.path, away.path) == 0 ? away : nil
    }

    /// The first link under `folder` that leads into `phase` (the phase's own folder) outside `folder`, if any: it
    /// would lead nowhere in a later phase.
    private static func linkIntoPhase(in folder: URL, phase: URL) -> String? {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return nil }
        let phasePath = phase.standardizedFileURL.path + "/"
        let folderPath = folder.standardizedFileURL.path + "/"
        while let relative = walker.nextObject() as? String {
            let item = folder.appendingPathComponent(relative)
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: item.path) else { continue }
            let resolved = (target.hasPrefix("/") ? URL(fileURLWithPath: target)
                : item.deletingLastPathComponent().appendingPathComponent(target)).standardizedFileURL.path
            if resolved.hasPrefix(phasePath), !resolved.hasPrefix(folderPath) { return relative }
        }
        return nil
    }

    /// A file's identity for the key: where it is, its size, modification time and inode (a Terraform replaced in place
    /// differs).
    private static func identity(ofFile path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return "missing" }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(resolved) \(attributes[.size] ?? "") \(modified) \(attributes[.systemFileNumber] ?? "")"
    }

    /// Whether `url` is a folder itself, not a link to one.
    private static func isFolder(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType == .typeDirectory
    }

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }
}

/// Why what `init` left could not be kept; the phase goes on with its own folder.
enum InitializedFolderCacheError: Error, CustomStringConvertible {
    case notAFolder
    case linksIntoThePhase(String)
    case unkept(String)

    var description: String {
        switch self {
        case .notAFolder: "the working folder's .terraform is not a folder"
        case let .linksIntoThePhase(link): ".terraform/\(link) links into this phase's own folder (providers bundled with the configuration?)"
        case let .unkept(reason): "it could not be moved (\(reason))"
        }
    }
}
