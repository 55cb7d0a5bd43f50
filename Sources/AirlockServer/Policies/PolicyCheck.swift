import Foundation

/// A plan's check against the policy sets that cover its environment, as recorded on the run: each set's version and
/// enforcement, each policy's pass or failure with its messages, what the policies demand of approvals, and an owner's
/// override of soft-mandatory failures.
struct PolicyCheck: Codable, Sendable, Equatable {
    /// The check as a whole, as TFE names a policy check's status.
    enum Status: String, Codable, Sendable {
        /// Nothing mandatory failed (advisory failures are shown).
        case passed
        /// A soft-mandatory policy failed: the apply waits for an owner's override.
        case softFailed = "soft_failed"
        /// A hard-mandatory policy failed: only a new plan can pass.
        case hardFailed = "hard_failed"
        /// A set could not be evaluated (a broken policy, a timeout, an engine crash, no engine): fails closed.
        case errored
        /// Soft-mandatory failures an owner overrode.
        case overridden
    }

    struct PolicyResult: Codable, Sendable, Equatable {
        let name: String
        /// Its `deny` messages: empty when it passed.
        let messages: [String]
        var passed: Bool { messages.isEmpty }
    }

    struct SetResult: Codable, Sendable, Equatable {
        let name: String
        let version: Int
        let enforcement: PolicyEnforcement
        /// Why the set could not be evaluated; its policies then have no results.
        let error: String?
        let policies: [PolicyResult]
        /// The most approvals one of its policies demanded.
        let approvalsRequired: Int?

        var failed: Bool { error != nil || policies.contains { !$0.passed } }
    }

    struct Override: Codable, Sendable, Equatable {
        let by: String
        let at: Double
        let reason: String
        /// The MFA device whose code the owner gave.
        let deviceSerial: String?
    }

    let sets: [SetResult]
    let checkedAt: Double
    var override: Override?

    var status: Status {
        if sets.contains(where: { $0.error != nil }) { return .errored }
        if sets.contains(where: { $0.enforcement == .hardMandatory && $0.failed }) { return .hardFailed }
        if sets.contains(where: { $0.enforcement == .softMandatory && $0.failed }) { return override == nil ? .softFailed : .overridden }
        return .passed
    }

    /// The approvals the policies demand, if any did.
    var approvalsRequired: Int? { sets.compactMap(\.approvalsRequired).max() }

    /// Counts as TFE gives them: policies passed, and failed per enforcement level.
    var passedCount: Int { sets.flatMap(\.policies).filter(\.passed).count }
    func failedCount(_ level: PolicyEnforcement) -> Int {
        sets.filter { $0.enforcement == level }.reduce(0) { $0 + $1.policies.filter { !$0.passed }.count + ($1.error == nil ? 0 : 1) }
    }

    /// One line for the run's log and history.
    var headline: String {
        let evaluated = "\(sets.count) policy set\(sets.count == 1 ? "" : "s")"
        switch status {
        case .passed:
            let advisory = failedCount(.advisory)
            return "Policy check passed (\(evaluated))" + (advisory > 0 ? "; \(advisory) advisory failure\(advisory == 1 ? "" : "s") shown" : "") + "."
        case .softFailed: return "Policy check soft failed (\(evaluated)): an owner may override it with an MFA code and a reason, or discard the run."
        case .hardFailed: return "Policy check hard failed (\(evaluated)): the plan may not be applied; only a new plan can pass."
        case .errored: return "Policy check errored (\(evaluated)): it failed closed, and the plan may not be applied."
        case .overridden: return "Policy check soft failed and was overridden by \(override?.by ?? "an owner")."
        }
    }

    /// The check as text: what `terraform` prints under "Organization Policy Check" and `airlock run` shows.
    func text(runURL: String) -> String {
        var lines: [String] = []
        for set in sets {
            lines.append("Policy set \"\(set.name)\" v\(set.version) (\(set.enforcement.rawValue)): \(set.error != nil ? "errored" : set.failed ? "failed" : "passed")")
            if let error = set.error { lines.append("  ! \(error)") }
            for policy in set.policies {
                lines.append("  \(policy.passed ? "PASS" : "FAIL") \(policy.name)")
                for message in policy.messages { lines.append("       \(message)") }
            }
            if let approvals = set.approvalsRequired { lines.append("  The policies ask for \(approvals) approval\(approvals == 1 ? "" : "s") before the apply.") }
        }
        lines.append("")
        lines.append(headline)
        if let override {
            lines.append("Overridden by \(override.by) at \(Date(timeIntervalSince1970: override.at).iso8601) with MFA: \(override.reason)")
        } else if status == .softFailed {
            lines.append("To override: an owner gives an MFA code and a reason on the run's page, \(runURL), or with `airlock run override`.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
