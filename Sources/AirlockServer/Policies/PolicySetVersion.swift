import Fluent
import Foundation

/// One version of a policy set's policies, kept for the record: who pushed it and when.
final class PolicySetVersion: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "policy_set_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "policy_set_id") var policySet: PolicySet
    @Field(key: "number") var number: Int
    /// The policies, as JSON (`[Policy]`).
    @Field(key: "policies") var policiesJSON: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Double

    init() {}

    init(policySetID: UUID, number: Int, policies: [Policy], by username: String, at time: Date) throws {
        self.$policySet.id = policySetID
        self.number = number
        self.policiesJSON = String(decoding: try JSONEncoder().encode(policies), as: UTF8.self)
        self.createdBy = username
        self.createdAt = time.timeIntervalSince1970
    }

    /// The policies; nil when they cannot be read (a check then fails closed).
    var policies: [Policy]? {
        (try? JSONDecoder().decode([Policy].self, from: Data(policiesJSON.utf8))).flatMap { $0.isEmpty ? nil : $0 }
    }
}
