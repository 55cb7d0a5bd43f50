import Vapor

/// The `Link: <URL>; rel="next"` header (RFC 8288) of a paged list. An operation records it on its request and
/// `RequestContextMiddleware` adds it to the answer: the generated server percent-encodes every header value it
/// sets itself, which would garble the URL.
enum NextPageLink: StorageKey {
    typealias Value = String

    /// Asks for `path` (under `/api/v1`, with its query) as the next page of this request's answer.
    static func set(_ path: String) throws {
        try RequestContext.request.storage[Self.self] = "</api/v1\(path)>; rel=\"next\""
    }

    /// Adds the recorded link, if any, to `response`.
    static func apply(from request: Request, to response: Response) {
        if let link = request.storage[Self.self] { response.headers.replaceOrAdd(name: .link, value: link) }
    }
}
