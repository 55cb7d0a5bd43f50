import AirlockAPIClient
import Foundation

/// A run's policy check as `airlock run` prints it: each set, each policy's pass or failure with its messages.
enum PolicyCheckText {
    static func text(of check: Components.Schemas.PolicyCheck) -> String {
        var lines = ["Policy check: \(check.status.rawValue.replacingOccurrences(of: "_", with: " "))"]
        for set in check.sets {
            let outcome = set.error != nil ? "errored" : set.policies.allSatisfy(\.passed) ? "passed" : "failed"
            lines.append("  Policy set \(set.name) v\(set.version) (\(set.enforcement.rawValue)): \(outcome)")
            if let error = set.error { lines.append("    ! \(error)") }
            for policy in set.policies {
                lines.append("    \(policy.passed ? "PASS" : "FAIL") \(policy.name)")
                for message in policy.messages { lines.append("         \(message)") }
            }
            if let approvals = set.approvalsRequired { lines.append("    Its policies ask for \(approvals) approval\(approvals == 1 ? "" : "s").") }
        }
        if let override = check.override {
            lines.append("  Overridden by \(override.by) at \(ISO8601DateFormatter().string(from: override.at)): \(override.reason)")
        }
        return lines.joined(separator: "\n")
    }
}
