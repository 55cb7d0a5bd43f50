/// A domain's refusal of an operation, free of HTTP: what kind of refusal it is, a stable snake_case code
/// (part of the API's contract) and a message a user can act on. The edges decide how to show it: the API
/// (`ErrorDescription`) as a status and JSON, pages as a page or a flash message, the worker as a run's log line.
protocol Refusal: Error, CustomStringConvertible {
    var kind: RefusalKind { get }
    var code: String { get }
    var message: String { get }
}

extension Refusal {
    var description: String { message }
}

/// The kinds of refusal a domain makes; each edge maps them to its own form (HTTP statuses in `APIError`).
enum RefusalKind: Sendable {
    /// The input breaks a rule; the same request will never succeed.
    case invalid
    /// The credentials sent are not (or no longer) valid.
    case unauthenticated
    /// The thing does not exist, or the caller cannot see it (the two are never told apart).
    case notFound
    /// The request conflicts with what exists now (a taken name, a run in another state).
    case conflict
    /// The caller may see the thing but not do this to it.
    case forbidden
    /// The input is well formed but its content is refused (an archive with a link out of the folder).
    case unprocessable
    /// Too many failed attempts; try again later.
    case tooManyAttempts
    /// A service Airlock depends on (AWS STS) could not be reached; nothing was done.
    case upstreamUnavailable
}
