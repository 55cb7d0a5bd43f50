import Fluent
import Foundation

/// The `terraform_login_codes` table.
struct CreateTerraformLoginCode: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TerraformLoginCode.schema)
            .id()
            .field("code_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("redirect_uri", .string, .required)
            .field("code_challenge", .string, .required)
            .field("expires_at", .double, .required)
            .field("used_at", .double)
            .unique(on: "code_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TerraformLoginCode.schema).delete()
    }
}
