import Fluent
import SQLKit

/// `pending_sign_ins.client_address`: who started a sign-in, so one client address cannot start them without end
/// (`PendingSignIn.maximumPerAddress`). NULL on rows from before, which count for no one.
struct UpdatePendingSignInsAddClientAddress: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PendingSignIn.schema).field("client_address", .string).update()
        try await database.sql.create(index: "pending_sign_ins_by_address").on(PendingSignIn.schema).column("client_address").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "pending_sign_ins_by_address").run()
        try await database.schema(PendingSignIn.schema).deleteField("client_address").update()
    }
}
