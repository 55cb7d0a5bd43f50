import AirlockCLI
import AirlockTesting
import ArgumentParser
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The command line itself: names, help, and `serve`/`admin` running `airlock-server` from beside `airlock`.
@Suite struct CommandLineTests {
    /// Without `commandName`, swift-argument-parser derives each name with `String(describing:)`, whose conformance
    /// checks scan every conformance record of the binary: for the ~40 commands of the tree it builds at every
    /// start, that was about a fifth of `airlock whoami`'s time.
    @Test func everyCommandInTheTreeHasAnExplicitName() {
        var unnamed: [String] = []
        var pending: [any ParsableCommand.Type] = [Airlock.self]
        while let command = pending.popLast() {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            pending += command.configuration.subcommands
        }
        #expect(unnamed.isEmpty, "set commandName in their CommandConfiguration: \(unnamed)")
    }

    func airlock(_ arguments: [String], binary: String = AirlockBinary.path) async throws -> CommandRunner.Result {
        try await CommandRunner.run(binary, arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
    }

    @Test func helpAndVersionAreShownNotReportedAsFailures() async throws {
        let help = try await airlock(["--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: airlock <subcommand>") && help.stdout.contains("  serve "), "\(help.stdout)\(help.stderr)")
        let whoami = try await airlock(["help", "whoami"])
        #expect(whoami.status == 0 && whoami.stdout.contains("USAGE: airlock whoami"), "\(whoami.stdout)\(whoami.stderr)")
        let version = try await airlock(["--version"])
        #expect(version.status == 0 && version.stdout == Airlock.version + "\n")
    }

    @Test func serveAndAdminAreTheServerProgramsOwnCommands() async throws {
        let serve = try await airlock(["serve", "--help"])
        #expect(serve.status == 0 && serve.stdout.contains("USAGE: airlock serve") && serve.stdout.contains("--database-url"), "\(serve.stdout)\(serve.stderr)")
        let admin = try await airlock(["admin", "create-user", "--help"])
        #expect(admin.status == 0 && admin.stdout.contains("--password-stdin"), "\(admin.stdout)\(admin.stderr)")
        let refused = try await airlock(["serve", "--port", "70000"])
        #expect(refused.status == 64 && refused.stderr.contains("--port must be 0 to 65535."), "the server's own validation: \(refused.stderr)")
        let kept = try await airlock(["serve", "--kept-init-folders", "1001"])
        #expect(kept.status == 64 && kept.stderr.contains("--kept-init-folders must be 0 to 1000."), "\(kept.stderr)")
    }

    @Test func withoutTheServerProgramBesideItServeSaysWhatToInstall() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let alone = folder.appendingPathComponent("airlock").path
        try Self.copyExecutable(AirlockBinary.path, to: alone)
        var serve = try await airlock(["serve"], binary: alone)
        // A process another test forked in the instant the copy was open for writing holds that descriptor until it
        // starts its program, and Linux refuses to run a file open for writing (ETXTBSY): that instant passes.
        for _ in 0..<20 where serve.stderr.contains("Text file busy") {
            try await Task.sleep(for: .milliseconds(100))
            serve = try await airlock(["serve"], binary: alone)
        }
        #expect(serve.status == 255)
        #expect(serve.stderr.contains("airlock-server, which is not installed beside airlock (\(folder.path)/airlock-server)"), "\(serve.stderr)")
    }

    /// Copies an executable through a descriptor that no child process inherits (close-on-exec), so that no other
    /// test's child keeps it open for writing and makes the copy unrunnable.
    static func copyExecutable(_ source: String, to destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
    }
}
