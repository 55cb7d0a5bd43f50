import AirlockAWS
import Foundation

/// A program running in a real terminal: a detached tmux session on a private server socket. Tests type
/// with `send(keys:)` and read the screen with `screen()`, as a person would.
public final class TmuxSession: Sendable {
    public struct Timeout: Error, CustomStringConvertible {
        public let waitingFor: String
        public let screen: String
        public var description: String { "timed out waiting for \(waitingFor); the screen shows:\n\(screen)" }
    }

    private let socket: String
    private let name = "airlock"

    /// Starts `command` (run by `sh -c`) in an 200x50 terminal with exactly `environment`. When the command
    /// ends, the screen shows `[exit N]` and stays until `stop()`.
    public init(command: String, environment: [String: String]) async throws {
        socket = "airlock-test-\(UUID().uuidString.prefix(8))"
        let exports = environment.map { "\($0.key)=\(Self.quoted($0.value))" }.sorted().joined(separator: " ")
        let script = "env -i \(exports) sh -c \(Self.quoted(command)); echo \"[exit $?]\"; sleep 600"
        // The tmux server outlives this call. It holds none of this process's descriptors (`PosixSpawn`
        // passes only 0, 1 and 2), so pipes other tests are reading still end.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).log").path
        let start = "exec tmux -L \(socket) new-session -d -s \(name) -x 200 -y 50 \(Self.quoted(script)) >\(log) 2>&1"
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-c", start],
                                                environment: Self.environment, discardOutput: true)
        guard result.status == 0 else {
            throw TestServerError.didNotStart("tmux", output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
    }

    /// The visible text of the terminal, trailing spaces kept (a prompt ends in one), trailing blank lines dropped.
    public func screen() async throws -> String {
        let result = try await Self.tmux(socket, ["capture-pane", "-p", "-N", "-t", name])
        return result.stdout.replacingOccurrences(of: "\\n\\s*$", with: "", options: .regularExpression)
    }

    /// Types text literally (no key names), optionally followed by Enter.
    public func send(_ text: String, enter: Bool = true) async throws {
        _ = try await Self.tmux(socket, ["send-keys", "-t", name, "-l", text])
        if enter { _ = try await Self.tmux(socket, ["send-keys", "-t", name, "Enter"]) }
    }

    /// Presses a key by tmux name, e.g. `C-c`.
    public func press(_ key: String) async throws {
        _ = try await Self.tmux(socket, ["send-keys", "-t", name, key])
    }

    /// Waits until the screen contains `text`, as long as within every `seconds` the screen changes or the
    /// terminal's programs use processor time (a loaded machine starts a program slowly; a stuck one is idle);
    /// returns the screen.
    @discardableResult
    public func waitFor(_ text: String, seconds: Double = 30) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        let pane = try await panePID()
        while true {
            let current = try await screen()
            if current.contains(text) { return current }
            let busy = pane.map { ProcessTreeTime.ticks(under: $0) } ?? 0
            if !deadline.keepWaiting(seeing: "\(busy) \(current)") { throw Timeout(waitingFor: text, screen: current) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the command to end and returns its exit status and the screen.
    public func waitForExit(seconds: Double = 30) async throws -> (status: Int, screen: String) {
        let screen = try await waitFor("[exit ", seconds: seconds)
        let match = screen.range(of: "\\[exit [0-9]+\\]", options: .regularExpression).map { String(screen[$0]) } ?? "[exit -1]"
        return (Int(match.dropFirst(6).dropLast()) ?? -1, screen)
    }

    /// The pid of the shell the terminal runs (nil once it is gone).
    private func panePID() async throws -> pid_t? {
        let result = try await Self.tmux(socket, ["display-message", "-p", "-t", name, "#{pane_pid}"])
        return pid_t(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public func stop() async {
        _ = try? await Self.tmux(socket, ["kill-server"])
    }

    private static func tmux(_ socket: String, _ arguments: [String]) async throws -> CommandRunner.Result {
        try await CommandRunner.run("/usr/bin/env", ["tmux", "-L", socket] + arguments, environment: environment)
    }

    private static let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm"]

    public static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
