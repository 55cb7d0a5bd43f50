import Fluent
import Vapor

/// Logs in the user whose API token the request carries (`Authorization: Bearer airlock_...`).
struct BearerTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard bearer.token.hasPrefix(APIToken.prefix) else { return }
        // The token and its user in one query: every API call asks it.
        guard let token = try await APIToken.query(on: request.db)
            .join(User.self, on: \APIToken.$user.$id == \User.$id)
            .filter(\.$tokenHash == APIToken.hash(bearer.token))
            .first() else { return }
        let now = request.application.clock.now
        guard !token.isExpired(at: now) else { return }
        request.auth.login(try token.joined(User.self))
        request.storage[CurrentTokenKey.self] = try token.requireID()
        if (token.lastUsedAt ?? 0) < now.timeIntervalSince1970 - APIToken.lastUseGranularity {
            try await APIToken.query(on: request.db).filter(\.$id == token.requireID())
                .set(\.$lastUsedAt, to: now.timeIntervalSince1970).update()
        }
    }
}

extension User: Authenticatable {}

/// The id of the API token that authenticated the request.
struct CurrentTokenKey: StorageKey {
    typealias Value = UUID
}
