import Fluent
import SQLKit

/// SQL text for the statements every authenticated request asks, built once with its identifiers quoted (SQLite's and
/// PostgreSQL's double quotes), then sent with its binds through `SQLDatabase.raw`. Fluent reflects on every model
/// it decodes and SQLKit's builder quotes every identifier again on each call: on the API's hottest path that was a
/// quarter of the server's time (perf, Benchmarks/README.md's API figures).
enum StatementText {
    /// `name` as a quoted identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `table.column`, each quoted.
    static func column(_ table: String, _ column: String) -> String {
        quoted(table) + "." + quoted(column)
    }
}
