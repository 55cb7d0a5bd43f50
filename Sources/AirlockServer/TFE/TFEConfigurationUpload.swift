import Fluent
import Foundation

/// A TFE configuration version: made empty by `POST .../configuration-versions`, filled by the PUT to its
/// upload URL with a configuration version of the environment (identical archives share one).
final class TFEConfigurationUpload: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "tfe_configuration_uploads"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    @Parent(key: "user_id") var user: User
    /// `terraform plan`'s upload: its runs are plan-only.
    @Field(key: "speculative") var speculative: Bool
    @OptionalParent(key: "configuration_version_id") var configurationVersion: ConfigurationVersion?
    @Field(key: "created_at") var createdAt: Double

    init() {}

    init(environmentID: UUID, userID: UUID, speculative: Bool, at time: Date) {
        self.$environment.id = environmentID
        self.$user.id = userID
        self.speculative = speculative
        self.createdAt = time.timeIntervalSince1970
    }
}

extension TFEConfigurationUpload {
    /// Deletes uploads never filled whose upload URL has expired (made, then abandoned).
    static func purgeAbandoned(before now: Date, on database: any Database) async throws {
        try await query(on: database).filter(\.$configurationVersion.$id == nil)
            .filter(\.$createdAt < now.timeIntervalSince1970 - TFECapability.Purpose.upload.lifetime).delete()
    }
}
