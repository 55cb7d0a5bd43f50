import Fluent
import Foundation

/// A named group of Rego policies of an organization, with one enforcement level, checked against the plans of every
/// environment or of the environments it names (`PolicySetEnvironment`). Its policies change by new versions
/// (`PolicySetVersion`); every version is kept, and runs record the one they were checked against.
final class PolicySet: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "policy_sets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "name") var name: String
    @Field(key: "enforcement") var enforcement: PolicyEnforcement
    /// Checked in every environment of the organization; otherwise only in those it names.
    @Field(key: "all_environments") var allEnvironments: Bool
    /// The number of its newest version: the one plans are checked against.
    @Field(key: "latest_version") var latestVersion: Int
    @Field(key: "created_at") var createdAt: Double
    @Field(key: "updated_at") var updatedAt: Double

    init() {}

    init(organizationID: UUID, name: String, enforcement: PolicyEnforcement, allEnvironments: Bool, at time: Date) {
        self.$organization.id = organizationID
        self.name = name
        self.enforcement = enforcement
        self.allEnvironments = allEnvironments
        self.latestVersion = 1
        self.createdAt = time.timeIntervalSince1970
        self.updatedAt = time.timeIntervalSince1970
    }
}
