import Fluent
import Foundation

/// A run phase's fresh working folder: the configuration extracted safely, and an override file that
/// points Terraform's state at this server's http backend. Removed when the phase ends.
struct RunWorkspace {
    static let overrideFile = "airlock_backend_override.tf"
    static let planFile = "airlock.tfplan"
    let folder: URL

    /// - Parameters:
    ///   - backendAddress: the environment's state URL on this server.
    ///   - backendToken: the run's own credential for it.
    static func prepare(root: URL, runID: UUID, phase: RunLogChunk.Phase, archive: Data, backendAddress: String,
                        backendToken: String) throws -> RunWorkspace {
        let folder = root.appendingPathComponent("\(runID.uuidString.lowercased())-\(phase.rawValue)")
        let files = FileManager.default
        try? files.removeItem(at: folder)
        try files.createDirectory(at: folder.appendingPathComponent(".home"), withIntermediateDirectories: true,
                                  attributes: [.posixPermissions: 0o700])
        try ConfigurationArchive.extract(try ConfigurationArchive.entries(of: archive), into: folder)
        let override = """
            # Written by Airlock: the environment's state lives on the Airlock server.
            terraform {
              backend "http" {
                address        = "\(backendAddress)"
                lock_address   = "\(backendAddress)/lock"
                unlock_address = "\(backendAddress)/lock"
                username       = "run"
                password       = "\(backendToken)"
              }
            }

            """
        try Data(override.utf8).write(to: folder.appendingPathComponent(overrideFile))
        FileManager.default.createFile(atPath: folder.appendingPathComponent(".home/terraformrc").path, contents: Data())
        return RunWorkspace(folder: folder)
    }

    /// The plan's folder kept for the apply on this server: initialised, with the saved plan in it.
    static func kept(root: URL, runID: UUID) -> RunWorkspace? {
        let folder = root.appendingPathComponent("\(runID.uuidString.lowercased())-plan")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(".terraform").path) else { return nil }
        return RunWorkspace(folder: folder)
    }

    var home: URL { folder.appendingPathComponent(".home") }
    var plan: URL { folder.appendingPathComponent(Self.planFile) }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Removes kept plan folders of runs that will not be applied here any more (discarded, canceled,
    /// errored, or gone).
    static func sweep(root: URL, database: any Database) async throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in names where name.hasSuffix("-plan") {
            guard let runID = UUID(uuidString: String(name.dropLast("-plan".count))) else { continue }
            let run = try await Run.query(on: database).filter(\.$id == runID).field(\.$id).field(\.$state).first()
            if run.map({ $0.state.isFinal }) ?? true {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            }
        }
    }
}
