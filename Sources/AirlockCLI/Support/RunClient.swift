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

    /// Runs `action` with an MFA token code when `needed`: from `--mfa-code`, or asked on the terminal
    /// (`Enter MFA code for <serial>: `, no echo) and asked again when STS refuses it, up to three times.
    func withMFA<T: Sendable>(needed: Bool, serial: String?, flag: String?, _ action: (String?) async throws -> T) async throws -> T {
        guard needed else { return try await action(nil) }
        let source = MFACodeSource(flagCode: flag)
        let request = MFACodeRequest(serial: serial ?? "the organization's MFA device", profile: "")
        var attempt = 1
        while true {
            let code = try source.code(for: request)
            do {
                return try await action(code)
            } catch let AirlockAPIError.refused(_, reason, message) where ["mfa_failed", "invalid_mfa_code"].contains(reason)
                        && flag == nil && attempt < MFACodeSource.attempts {
                FileHandle.standardError.write(Data("\(message)\n".utf8))
                attempt += 1
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

    static func summary(_ run: Run) -> String {
        "Run #\(run.number) on \(run.organization)/\(run.environment): \(run.state.rawValue.replacingOccurrences(of: "_", with: " "))"
            + (run.errorMessage.map { " (\($0))" } ?? "")
    }
}
