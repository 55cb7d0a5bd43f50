import Fluent
import Foundation

/// Everything `/settings/tokens` shows: the visitor's API tokens (never their values) and, on the answer to
/// the form that issued one, that new token, shown once; read by `load`, rendered by `TokensPage+View.swift`.
struct TokensPage {
    struct Token {
        /// The token's record id, the revoke form's value (not the token).
        let id: String
        let name: String
        let createdAt: Date?
        /// Nil for a token that never expires.
        let expiresAt: Date?
        let lastUsedAt: Date?
    }

    struct Issued {
        let token: String
        let name: String
    }

    let tokens: [Token]
    let issued: Issued?

    static func load(visitorID: UUID, issued: Issued? = nil, on database: any Database) async throws -> TokensPage {
        let tokens = try await APITokens.list(of: visitorID, on: database).map { token in
            Token(id: (token.id?.uuidString ?? "").lowercased(), name: token.name, createdAt: token.createdAt,
                  expiresAt: token.expiresAt.map(Date.init(timeIntervalSince1970:)), lastUsedAt: token.lastUsedAt.map(Date.init(timeIntervalSince1970:)))
        }
        return TokensPage(tokens: tokens, issued: issued)
    }
}
