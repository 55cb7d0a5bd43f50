import Foundation
import Logging

/// How `airlock` and `airlock-server` log: to standard error, never standard output (which carries
/// credential_process JSON and `export` lines), at warning level unless AIRLOCK_LOG_LEVEL says otherwise.
public enum CommandLineLogging {
    public static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["AIRLOCK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
