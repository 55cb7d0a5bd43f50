import Fluent
import SQLKit

/// Single sign-on: the `pending_sign_ins` table, and on `users` the provider's id of the person (issuer and
/// subject, unique together), their email, and their last sign-in and how.
struct CreatePendingSignInAndUserIdentity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PendingSignIn.schema)
            .id()
            .field("state_hash", .string, .required)
            .field("browser_hash", .string, .required)
            .field("nonce", .string, .required)
            .field("sealed_verifier", .string, .required)
            .field("next", .string, .required)
            .field("created_at", .double, .required)
            .unique(on: "state_hash")
            .create()
        try await database.sql.create(index: "pending_sign_ins_by_age").on(PendingSignIn.schema).column("created_at").run()
        // One column a statement: SQLite adds one at a time.
        for (field, type) in [("email", DatabaseSchema.DataType.string), ("identity_issuer", .string), ("identity_subject", .string),
                              ("last_sign_in_at", .double), ("last_sign_in_method", .string)] {
            try await database.schema(User.schema).field(.string(field), type).update()
        }
        try await database.sql.create(index: "users_by_identity").unique().on(User.schema)
            .column("identity_issuer").column("identity_subject").run()
        try await database.sql.create(index: "users_by_email").on(User.schema).column("email").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "users_by_email").run()
        try await database.sql.drop(index: "users_by_identity").run()
        for field in ["email", "identity_issuer", "identity_subject", "last_sign_in_at", "last_sign_in_method"] {
            try await database.schema(User.schema).deleteField(.string(field)).update()
        }
        try await database.schema(PendingSignIn.schema).delete()
    }
}
