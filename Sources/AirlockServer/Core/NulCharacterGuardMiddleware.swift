import PostgresNIO
import Vapor

/// No name or value may hold a NUL character: PostgreSQL refuses to store one (the fuzzer's `%00` in a path was a
/// 500 there), and no Airlock name needs it. A request whose path holds one is refused before any route runs,
/// and a NUL that arrives inside a JSON body and reaches PostgreSQL is answered as the client's mistake, not the
/// server's (the statement failed, so nothing was written).
struct NulCharacterGuardMiddleware: AsyncMiddleware {
    static let refusal = "The request holds a NUL character (%00 or \\u0000), which no name or value may contain."

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The path names things (organizations, environments, runs); a query's values are checked where they are read.
        let path = request.url.path
        if path.utf8.contains(0) || path.range(of: "%00", options: .caseInsensitive) != nil {
            throw Abort(.badRequest, reason: Self.refusal)
        }
        do {
            return try await next.respond(to: request)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22021" {
            throw Abort(.badRequest, reason: Self.refusal)
        }
    }
}
