import AirlockAPIClient
import AirlockAWS
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OpenAPIRuntime

/// What the `run` commands share: the API for one environment, choosing a run, following a log.
struct RunClient {
    typealias Run = Components.Schemas.Run
    let api: AirlockAPI
    let address: EnvironmentAddress

    /// Runs `body`; its result is the exit status.
    static func perform(_ target: Airlock.RunCommand.Target, _ body: (RunClient) async throws -> Int32) async throws {
        let status = try await body(RunClient(api: try target.server.api(), address: target.env))
        if status != 0 { throw ExitCode(status) }
    }

    func call<T: Sendable>(_ operation: (Client) async throws -> T) async throws -> T {
        try await api.call(operation)
    }

    var path: Operations.ListRuns.Input.Path { .init(organization: address.organization, environment: address.environment) }

    func queue(message: String?, tokenCode: String? = nil) async throws -> Run {
        try await call {
            try await $0.queueRun(path: .init(organization: address.organization, environment: address.environment),
                                  body: .json(.init(message: message, tokenCode: tokenCode))).created.body.json
        }
    }

    func environment() async throws -> Components.Schemas.Environment {
        try await call {
            try await $0.getEnvironment(path: .init(organization: address.organization, environment: address.environment)).ok.body.json
        }
    }

    /// Where a `run` command's MFA token code comes from.
    enum CodeSource {
        /// `--mfa-code`.
        case given(String)
        /// One line of standard input (`--mfa-code-stdin`).
        case standardInput
        /// A command's output (`--mfa-process`, `AIRLOCK_MFA_PROCESS`).
        case process(String)
        /// Asked on the terminal without echo.
        case terminal
    }

    /// Runs `action` with an MFA token code when `needed`, from `source`; a code asked on the terminal
    /// (`Enter MFA code for <serial>: `, no echo) is asked again when STS refuses it, up to three times.
    func withMFA<T: Sendable>(needed: Bool, serial: String?, from source: CodeSource, _ action: (String?) async throws -> T) async throws -> T {
        guard needed else { return try await action(nil) }
        let serial = serial ?? "the organization's MFA device"
        switch source {
        case let .given(code):
            return try await action(code)
        case .standardInput:
            guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), MFACodeRequest.isWellFormed(line) else {
                throw CredentialError.malformedMFACode(serial: serial)
            }
            return try await action(line)
        case let .process(commandLine):
            return try await action(try await MFACodeProcess.code(running: commandLine, for: serial, environment: ProcessInfo.processInfo.environment))
        case .terminal:
            let prompt = MFACodeSource(flagCode: nil)
            let request = MFACodeRequest(serial: serial, profile: "")
            var attempt = 1
            while true {
                let code: String
                do {
                    code = try prompt.code(for: request)
                } catch CredentialError.mfaCodeUnavailable {
                    throw CLIError("An MFA code for \(serial) is needed, but there is no terminal to ask on. "
                        + "Pass it with --mfa-code, --mfa-code-stdin, or --mfa-process (or AIRLOCK_MFA_PROCESS).")
                }
                do {
                    return try await action(code)
                } catch let AirlockAPIError.refused(_, reason, message) where ["mfa_failed", "invalid_mfa_code"].contains(reason)
                            && attempt < MFACodeSource.attempts {
                    FileHandle.standardError.write(Data("\(message)\n".utf8))
                    attempt += 1
                }
            }
        }
    }

    func show(_ id: String) async throws -> Run {
        try await call { try await $0.getRun(path: .init(run: id)).ok.body.json }
    }

    /// `given`, or the environment's newest run in one of `states` (any state when nil).
    func chosenRun(_ given: String?, where states: Set<Components.Schemas.RunState>?, what: String) async throws -> String {
        if let given { return given }
        let runs = try await call { try await $0.listRuns(path: path).ok.body.json }
        guard let run = runs.first(where: { states?.contains($0.state) ?? true }) else {
            throw CLIError("\(address) has no \(what) run.")
        }
        return run.id
    }

    /// Prints the phase's log as it is written (or as it is, when `live` is false).
    func follow(_ id: String, phase: Operations.GetRunLog.Input.Path.PhasePayload, live: Bool = true) async throws {
        let body = try await call {
            try await $0.getRunLog(path: .init(run: id, phase: phase), query: .init(follow: live)).ok.body.plainText
        }
        fflush(nil)  // what `print` buffered comes first
        for try await chunk in body {
            FileHandle.standardOutput.write(Data(chunk))
        }
    }

    /// What a waiting run waits for, who approved with which device and when, and whether the caller may give it.
    static func awaiting(_ awaiting: Components.Schemas.RunAwaiting) -> String {
        var lines = ["  " + awaiting.headline]
        for approval in awaiting.approvals {
            let time = ISO8601DateFormatter().string(from: approval.at)
            lines.append("    approved by \(approval.username) at \(time)" + (approval.device.map { " with MFA device \($0)" } ?? ""))
        }
        if let viewer = awaiting.viewer { lines.append("  " + viewer.line) }
        return lines.map(PlanReview.printable).joined(separator: "\n")
    }

    static func summary(_ run: Run) -> String {
        "Run #\(run.number) on \(run.organization)/\(run.environment): \(run.state.rawValue.replacingOccurrences(of: "_", with: " "))"
            + (run.errorMessage.map { " (\($0))" } ?? "")
    }
}
