import Vapor

/// The Vapor request an OpenAPI operation is serving. The generated handlers see only typed input, so
/// `RequestContextMiddleware` binds the request (its user, database and application) to the task.
enum RequestContext {
    @TaskLocal static var current: Request?

    /// The request being served; a programming error outside an API call.
    static var request: Request {
        get throws {
            guard let current else { throw Abort(.internalServerError, reason: "No request bound to this API call.") }
            return current
        }
    }
}

/// Binds each request to `RequestContext.current` for the operations below it.
struct RequestContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await RequestContext.$current.withValue(request) {
            try await next.respond(to: request)
        }
        NextPageLink.apply(from: request, to: response)
        return response
    }
}
