import Fluent
import Foundation

/// One Terraform state of an environment, as Terraform wrote it: serial, lineage, checksum, and the state
/// itself sealed (state holds secrets).
final class StateVersion: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or task that loaded it.
    static let schema = "state_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "environment_id") var environment: TerraformEnvironment
    @Field(key: "serial") var serial: Int
    @Field(key: "lineage") var lineage: String
    /// SHA-256 of the state, hex.
    @Field(key: "sha256") var sha256: String
    @Field(key: "state_sealed") var stateSealed: Data
    @OptionalParent(key: "run_id") var run: Run?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(environmentID: UUID, serial: Int, lineage: String, sha256: String, stateSealed: Data, runID: UUID?) {
        self.$environment.id = environmentID
        self.serial = serial
        self.lineage = lineage
        self.sha256 = sha256
        self.stateSealed = stateSealed
        self.$run.id = runID
    }

    static func context(environmentID: UUID, serial: Int) -> String {
        "state:\(environmentID.uuidString):\(serial)"
    }
}
