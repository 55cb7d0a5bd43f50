import Fluent
import Foundation

/// An uploaded Terraform configuration (`.tar.gz`) of an environment, stored once per content hash.
final class ConfigurationVersion: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "configuration_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    /// SHA-256 of the archive, hex.
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "archive") var archive: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    /// When it was last uploaded (seconds since 1970): the newest is what a plan uses by default.
    @Field(key: "uploaded_at") var uploadedAt: Double

    init() {}

    init(environmentID: UUID, sha256: String, archive: Data, uploadedBy: String) {
        self.$environment.id = environmentID
        self.sha256 = sha256
        self.size = archive.count
        self.archive = archive
        self.uploadedBy = uploadedBy
        self.uploadedAt = Date().timeIntervalSince1970
    }
}
