import Fluent
import Foundation

/// The `tfe_configuration_uploads` table.
struct CreateTFEConfigurationUpload: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TFEConfigurationUpload.schema)
            .id()
            .field("environment_id", .uuid, .required, .references(TerraformEnvironment.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("speculative", .bool, .required)
            .field("configuration_version_id", .uuid, .references(ConfigurationVersion.schema, "id", onDelete: .setNull))
            .field("created_at", .double, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TFEConfigurationUpload.schema).delete()
    }
}
