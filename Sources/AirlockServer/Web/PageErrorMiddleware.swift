import Vapor

/// Shows a refusal on a page as an HTML page with the same status and message the API would give
/// (404 for what the visitor cannot see, 403 for owners-only actions). Unexpected errors are logged and
/// shown without detail.
struct PageErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, message) = Self.describe(error, request: request)
            let title = status == .notFound ? "Not found" : status == .forbidden ? "Not allowed" : "Something went wrong"
            return Layout.render(title, "<p role=\"alert\">\(message)</p><p><a href=\"/\">Back to your organizations</a></p>",
                                 status: status, for: request)
        }
    }

    /// The status and message to show for `error`.
    static func describe(_ error: any Error, request: Request) -> (HTTPResponseStatus, String) {
        let described = ErrorDescription(error, undecodable: .init(status: .badRequest, message: "The form was incomplete; go back and fill in every field."),
                                         request: request)
        return (described.status, described.message)
    }
}
