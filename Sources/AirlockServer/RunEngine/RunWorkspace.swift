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

    var home: URL { folder.appendingPathComponent(".home") }
    var plan: URL { folder.appendingPathComponent(Self.planFile) }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
