import Foundation

/// The Rego engine plans are checked with: a program with `opa eval`'s command line (OPA itself, or
/// `scripts/opa/opa-regorus` on Microsoft's Regorus where OPA is not installed), named by the operator
/// (`airlock serve --policy-engine`). It runs in the run sandbox without any network, reading only the modules and the
/// input Airlock wrote for it, within its own time and memory limits. Whatever keeps it from answering (a module that
/// does not parse, a timeout, a crash, output that is not OPA's) is a `PolicyEngineError`: the check fails closed.
public struct PolicyEngine: Sendable {
    /// The program (`opa`, or the Regorus shim).
    public let executable: String
    /// The longest one evaluation may take.
    public var timeout: Duration = .seconds(30)
    /// The address space the engine may use.
    public var memoryBytes = 1 << 30
    /// Where it executes: the runs' sandbox.
    var sandbox: RunSandbox = .unsandboxed
    /// Where its scratch folders are made: the runs' work root.
    var workRoot: URL = FileManager.default.temporaryDirectory
    /// Its PATH (an `opa-regorus` shim finds `python3` there).
    var path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"

    /// The most output read from one evaluation.
    static let outputLimit = 16 << 20

    public init(executable: String) {
        self.executable = executable
    }

    /// One Rego module to load: a file name for the engine's messages and its source.
    struct Module: Sendable {
        let fileName: String
        let source: String
    }

    /// The whole `data` document of `modules` evaluated against `input` (a JSON document), as OPA's JSON gives it.
    func evaluate(_ modules: [Module], input: Data) async throws(PolicyEngineError) -> RegoValue {
        let workspace: RunWorkspace
        do {
            workspace = try RunWorkspace.scratch(in: workRoot, purpose: "policy")
        } catch {
            throw .unusable("its scratch folder could not be made (\(error))")
        }
        defer { workspace.remove() }
        // The engine's standard output goes to a file of its own: only that is its answer. Its standard error (OPA's
        // `print`, which a policy may fill with the plan's values) reaches the pipe, and is never read as the answer.
        let answer = workspace.folder.appendingPathComponent("answer.json")
        var arguments = [executable, "eval", "--format", "json", "--strict-builtin-errors"]
        do {
            for (index, module) in modules.enumerated() {
                let file = try workspace.writeServerFile(Data(module.source.utf8), named: "\(index + 1)-\(module.fileName).rego")
                arguments += ["--data", file.path]
            }
            arguments += ["--input", try workspace.writeServerFile(input, named: "input.json").path, "data"]
        } catch {
            throw .unusable("its files could not be written (\(error))")
        }
        let process: RunProcess
        do {
            let limits = ["/usr/bin/prlimit", "--as=\(memoryBytes)", "--fsize=\(Self.outputLimit + 1)", "--nofile=256", "--core=0", "--"]
            process = try sandbox.launch("/bin/sh", arguments: ["-c", #"out=$1; shift; exec "$@" > "$out""#, "policy-engine", answer.path] + arguments, environment: ["PATH": path, "HOME": workspace.home.path, "LANG": "C.UTF-8"],
                                         workspace: workspace, network: nil, offline: true, prefix: limits)
        } catch {
            throw .unusable("\(executable) could not be started (\(error))")
        }
        let reader = Task { () -> Data in
            var captured = Data()
            for await data in process.output where captured.count <= Self.outputLimit {
                captured.append(data.prefix(Self.outputLimit + 1 - captured.count))
            }
            return captured
        }
        let timeout = self.timeout
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            process.killAll()
            return true
        }
        let status = await process.waitForExit()
        process.killAll()
        watchdog.cancel()
        let timedOut = (try? await watchdog.value) ?? false
        let output = await reader.value
        if timedOut { throw .timedOut(seconds: Int(timeout.components.seconds)) }
        let size = (try? FileManager.default.attributesOfItem(atPath: answer.path)[.size] as? Int) ?? 0
        guard size <= Self.outputLimit else { throw .unreadable("it wrote more than \(Self.outputLimit >> 20) MiB") }
        let document = (try? Data(contentsOf: answer)).flatMap { try? JSONDecoder().decode(OPAEvalDocument.self, from: $0) }
        if let errors = document?.errors, !errors.isEmpty {
            throw .policyError(errors.compactMap(\.message).joined(separator: "\n"))
        }
        guard status == 0 else {
            // Standard error, for what the engine said of its end.
            let tail = String(decoding: output.suffix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .crashed(status: status, output: tail)
        }
        guard let document else { throw .unreadable("its standard output is not OPA's JSON result document") }
        // OPA leaves out an undefined result; `data` is always defined.
        guard let value = document.result?.first?.expressions?.first?.value else { throw .unreadable("it gave no value for data") }
        return value
    }
}

/// Why the policy engine gave no answer; a check that meets one fails closed.
enum PolicyEngineError: Error, Equatable, CustomStringConvertible {
    case unusable(String)
    /// A module that does not parse or compile, or an evaluation error (OPA's errors document).
    case policyError(String)
    case timedOut(seconds: Int)
    case crashed(status: Int32, output: String)
    case unreadable(String)

    var description: String {
        switch self {
        case let .unusable(reason): "The policy engine could not run: \(reason)."
        case let .policyError(message): "The policy engine refused the policies: \(message)"
        case let .timedOut(seconds): "The policy engine took longer than \(seconds) seconds and was stopped (a policy that loops, or one too costly for this plan)."
        case let .crashed(status, output):
            "The policy engine ended with status \(status)\(status > 128 ? " (signal \(status - 128), e.g. past its memory limit)" : "")" + (output.isEmpty ? "." : ": \(output)")
        case let .unreadable(reason): "The policy engine's answer could not be read: \(reason)."
        }
    }
}
