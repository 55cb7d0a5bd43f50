import Fluent
import Vapor

/// Logs in the user whose API token the request carries (`Authorization: Bearer airlock_...`). The one way an API
/// token is checked: the state backend's basic-auth password goes through `user(presenting:for:)` too.
struct BearerTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard let user = try await Self.user(presenting: bearer.token, for: request) else { return }
        request.auth.login(user)
    }

    /// The user of an unexpired API token; records its use (at most once per `APIToken.lastUseGranularity`).
    static func user(presenting token: String, for request: Request) async throws -> User? {
        guard token.hasPrefix(APIToken.prefix) else { return nil }
        // The token and its user in one statement: every API call asks it.
        guard let stored = try await APIToken.bearer(hash: APIToken.hash(token), on: request.db) else { return nil }
        let now = request.application.clock.now
        guard !stored.isExpired(at: now) else { return nil }
        request.storage[CurrentTokenKey.self] = stored.tokenID
        if (stored.lastUsedAt ?? 0) < now.timeIntervalSince1970 - APIToken.lastUseGranularity {
            try await APIToken.query(on: request.db).filter(\.$id == stored.tokenID)
                .set(\.$lastUsedAt, to: now.timeIntervalSince1970).update()
        }
        return stored.user
    }
}

extension User: Authenticatable {}

/// The id of the API token that authenticated the request.
struct CurrentTokenKey: StorageKey {
    typealias Value = UUID
}
