import Vapor

/// The last check before an answer leaves: no header value may hold CR, LF or NUL, whatever put it there
/// (a redirect built from input, a name echoed back). Such an answer is replaced by a 500 and logged, so a
/// missed check elsewhere can never split the answer or inject a header.
struct HeaderValueGuardMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        guard let bad = response.headers.first(where: { Self.isUnsafe($0.value) || Self.isUnsafe($0.name) }) else { return response }
        request.logger.error("Refused to send an answer whose header \(bad.name.debugDescription) holds a control character.")
        let refused = Response(status: .internalServerError)
        try refused.content.encode(APIErrorMiddleware.Body(error: .init(code: "internal_error",
                                                                        message: "Something went wrong on the server; it has been logged.")))
        return refused
    }

    static func isUnsafe(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 }
    }
}
