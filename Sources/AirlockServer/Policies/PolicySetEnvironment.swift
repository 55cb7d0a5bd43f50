import Fluent
import Foundation

/// An environment a policy set names: its plans are checked against the set (unless the set covers every environment).
final class PolicySetEnvironment: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request or command that loaded it.
    static let schema = "policy_set_environments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "policy_set_id") var policySet: PolicySet
    @Parent(key: "environment_id") var environment: TerraformEnvironment

    init() {}

    init(policySetID: UUID, environmentID: UUID) {
        self.$policySet.id = policySetID
        self.$environment.id = environmentID
    }
}
