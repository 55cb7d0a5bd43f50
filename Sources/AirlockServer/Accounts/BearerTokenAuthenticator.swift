import Fluent
import Vapor

/// Logs in the user whose API token the request carries (`Authorization: Bearer airlock_...`).
struct BearerTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard bearer.token.hasPrefix(APIToken.prefix) else { return }
        // The token and its user in one statement: every API call asks it.
        guard let token = try await APIToken.bearer(hash: APIToken.hash(bearer.token), on: request.db) else { return }
        let now = request.application.clock.now
        guard !token.isExpired(at: now) else { return }
        request.auth.login(token.user)
        request.storage[CurrentTokenKey.self] = token.tokenID
        if (token.lastUsedAt ?? 0) < now.timeIntervalSince1970 - APIToken.lastUseGranularity {
            try await APIToken.query(on: request.db).filter(\.$id == token.tokenID)
                .set(\.$lastUsedAt, to: now.timeIntervalSince1970).update()
        }
    }
}

extension User: Authenticatable {}

/// The id of the API token that authenticated the request.
struct CurrentTokenKey: StorageKey {
    typealias Value = UUID
}
