import AirlockCLI
import ArgumentParser
import Foundation
import Logging

/// The `airlock` executable: every command lives in `AirlockCLI`.
@main
enum Entrypoint {
    static func main() async {
        // Logs go to standard error, never standard output (which carries credential_process JSON and
        // `export` lines), at warning level unless AIRLOCK_LOG_LEVEL says otherwise.
        let level = ProcessInfo.processInfo.environment["AIRLOCK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        await Airlock.runReportingFailures()
    }
}
