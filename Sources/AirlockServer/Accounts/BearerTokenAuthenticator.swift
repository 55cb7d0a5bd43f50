import Fluent
import Vapor

/// Logs in the user whose API token the request carries (`Authorization: Bearer airlock_...`).
struct BearerTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard bearer.token.hasPrefix(APIToken.prefix) else { return }
        let token = try await APIToken.query(on: request.db)
            .filter(\.$tokenHash == APIToken.hash(bearer.token))
            .with(\.$user)
            .first()
        if let user = token?.user { request.auth.login(user) }
    }
}

extension User: Authenticatable {}
