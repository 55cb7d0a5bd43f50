import Fluent
import Foundation

/// Checks a saved plan against the policy sets that cover its environment, each at its newest version, in the policy
/// engine (`PolicyEngine`). The input is the plan as `terraform show -json` gives it, with who queued the run, the run
/// and the environment and its rules:
///
///     { "plan": {...}, "run": {"id", "number", "message", "queued_by", "is_destroy", "speculative"},
///       "environment": {"name", "organization", "mfa", "four_eyes", "required_approvals", "personal_mfa_devices",
///                       "restricted_to_teams"} }
///
/// A set that cannot be evaluated (no engine, a broken policy, a timeout, a crash, a rule whose value is not what
/// Airlock reads) records its error, and the check fails closed (`PolicyCheck.Status.errored`).
enum PolicyChecks {
    /// The most messages kept per policy, and the most characters per message.
    static let messagesPerPolicy = 100
    static let messageLength = 1000

    /// The sets that cover an environment, each with its newest version (nil where it is missing: the check fails
    /// closed), by name.
    static func covering(environmentID: UUID, organizationID: UUID, on database: any Database) async throws -> [(PolicySet, PolicySetVersion?)] {
        let named = try await PolicySetEnvironment.query(on: database).filter(\.$environment.$id == environmentID).all().map(\.$policySet.id)
        let sets = try await PolicySet.query(on: database).filter(\.$organization.$id == organizationID)
            .group(.or) { group in
                group.filter(\.$allEnvironments == true)
                if !named.isEmpty { group.filter(\.$id ~~ named) }
            }
            .sort(\.$name).all()
        var covering: [(PolicySet, PolicySetVersion?)] = []
        for set in sets {
            covering.append((set, try await PolicySetVersion.query(on: database).filter(\.$policySet.$id == set.requireID())
                .filter(\.$number == set.latestVersion).first()))
        }
        return covering
    }

    /// The check of a plan, or nil when no set covers the environment. `showPlan` gives `terraform show -json` of it (nil
    /// when it could not be read): it runs only when a set covers the environment.
    /// `mask` hides sensitive values in messages, as the run's log hides them.
    static func check(showPlan: () async throws -> Data?, run: Run, environment: TerraformEnvironment, organization: String, engine: PolicyEngine?,
                      mask: @Sendable (String) async -> String, now: Date, on database: any Database) async throws -> PolicyCheck? {
        let sets = try await covering(environmentID: try environment.requireID(), organizationID: environment.$organization.id, on: database)
        guard !sets.isEmpty else { return nil }
        let input = try await showPlan().map { try self.input(plan: $0, run: run, environment: environment, organization: organization) }
        var results: [PolicyCheck.SetResult] = []
        for (set, version) in sets {
            func errored(_ message: String) -> PolicyCheck.SetResult {
                PolicyCheck.SetResult(name: set.name, version: set.latestVersion, enforcement: set.enforcement, error: message, policies: [],
                                      approvalsRequired: nil)
            }
            guard let version, let policies = version.policies else {
                results.append(errored("The set's version \(set.latestVersion) cannot be read, so the plan could not be checked against it."))
                continue
            }
            guard let input else {
                results.append(errored("The plan's JSON (terraform show -json) could not be read, so it could not be checked."))
                continue
            }
            guard let engine else {
                results.append(errored(PolicyRefusal.noEngine.message))
                continue
            }
            let data: RegoValue
            do {
                data = try await engine.evaluate(policies.map { .init(fileName: $0.name, source: $0.source) }, input: input)
            } catch {
                results.append(errored(await mask(error.description)))
                continue
            }
            let read: [(Policy, PolicyRules)]
            do {
                read = try policies.map { policy throws(PolicyRulesError) in (policy, try PolicyRules(of: policy, in: data)) }
            } catch {
                results.append(errored(await mask(error.description)))
                continue
            }
            var outcomes: [PolicyCheck.PolicyResult] = []
            for (policy, rules) in read {
                var messages: [String] = []
                for message in rules.deny.prefix(messagesPerPolicy) { messages.append(await mask(printable(String(message.prefix(messageLength))))) }
                if rules.deny.count > messagesPerPolicy { messages.append("... and \(rules.deny.count - messagesPerPolicy) more") }
                outcomes.append(.init(name: policy.name, messages: messages))
            }
            results.append(.init(name: set.name, version: version.number, enforcement: set.enforcement, error: nil, policies: outcomes,
                                 approvalsRequired: read.compactMap(\.1.approvalsRequired).max()))
        }
        return PolicyCheck(sets: results, checkedAt: now.timeIntervalSince1970, override: nil)
    }

    /// `text` with control characters (a terminal's escape sequences) shown as spaces: messages reach terminals.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// Checks that a version's policies load in the engine (with an empty plan): a module that does not parse is
    /// refused when it is pushed, not at a run.
    static func verify(_ policies: [Policy], engine: PolicyEngine) async throws {
        do {
            _ = try await engine.evaluate(policies.map { .init(fileName: $0.name, source: $0.source) },
                                          input: Data(#"{"plan":{"resource_changes":[]},"run":{},"environment":{}}"#.utf8))
        } catch {
            if case let .policyError(message) = error { throw PolicyRefusal.brokenPolicies(message) }
            throw PolicyRefusal.brokenPolicies(error.description)
        }
    }

    /// The engine's input document: the plan's JSON as Terraform wrote it, and what Airlock knows of the run.
    static func input(plan showJSON: Data, run: Run, environment: TerraformEnvironment, organization: String) throws -> Data {
        let runPart: [String: Any] = [
            "id": try run.requireID().uuidString.lowercased(), "number": run.number, "message": run.message, "queued_by": run.createdBy,
            "is_destroy": run.isDestroy ?? false, "speculative": run.isPlanOnly,
        ]
        let environmentPart: [String: Any] = [
            "name": environment.name, "organization": organization, "mfa": environment.mfaLevel.rawValue,
            "four_eyes": environment.approverMustDiffer, "required_approvals": environment.requiredApprovals,
            "personal_mfa_devices": environment.requiresPersonalMFADevice, "restricted_to_teams": environment.restrictedToTeams,
        ]
        var document = Data(#"{"plan":"#.utf8)
        document.append(showJSON)
        document.append(Data(#","run":"#.utf8))
        document.append(try JSONSerialization.data(withJSONObject: runPart, options: [.sortedKeys]))
        document.append(Data(#","environment":"#.utf8))
        document.append(try JSONSerialization.data(withJSONObject: environmentPart, options: [.sortedKeys]))
        document.append(Data("}".utf8))
        return document
    }
}

/// What Airlock reads of one policy's package in the engine's `data`: `deny` and `approvals_required`.
struct PolicyRules {
    let deny: [String]
    let approvalsRequired: Int?

    init(of policy: Policy, in data: RegoValue) throws(PolicyRulesError) {
        var node: RegoValue? = data
        for component in policy.packagePath ?? [] { node = node?[component] }
        let name = (policy.packagePath ?? []).joined(separator: ".")
        switch node?["deny"] {
        case nil:
            deny = []
        case let .array(values)?:
            deny = try values.map { value throws(PolicyRulesError) in
                if case let .string(text) = value { return text }
                if case let .string(text)? = value["msg"] { return text }
                throw .notMessages(package: name)
            }
        default:
            throw .notMessages(package: name)
        }
        switch node?["approvals_required"] {
        case nil:
            approvalsRequired = nil
        case let .number(value)? where value.rounded() == value && (1...Double(TerraformEnvironment.maximumRequiredApprovals)).contains(value):
            approvalsRequired = Int(value)
        default:
            throw .badApprovals(package: name)
        }
    }
}

/// A rule whose value is not what Airlock reads.
enum PolicyRulesError: Error, CustomStringConvertible {
    case notMessages(package: String)
    case badApprovals(package: String)

    var description: String {
        switch self {
        case let .notMessages(package): "data.\(package).deny must be a set of messages (strings, or objects with a msg string)."
        case let .badApprovals(package):
            "data.\(package).approvals_required must be a whole number from 1 to \(TerraformEnvironment.maximumRequiredApprovals)."
        }
    }
}
