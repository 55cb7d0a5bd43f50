import Fluent
import SQLKit

extension Database {
    /// This database as SQLKit's, for statements Fluent's query builder cannot express; every driver Airlock uses is one.
    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw RunEngineError.notSQL }
            return sql
        }
    }
}
