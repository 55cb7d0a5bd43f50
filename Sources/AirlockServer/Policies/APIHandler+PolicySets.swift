import Fluent
import Foundation
import Vapor

/// `/organizations/{organization}/policy-sets` and `/runs/{run}/actions/override-policy`.
extension APIHandler {
    func listPolicySets(_ input: Operations.ListPolicySets.Input) async throws -> Operations.ListPolicySets.Output {
        let sets = try await PolicySets.list(in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(sets.map(Components.Schemas.PolicySet.init))))
    }

    func createPolicySet(_ input: Operations.CreatePolicySet.Input) async throws -> Operations.CreatePolicySet.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let request = try Self.request
        let names = body.environments ?? []
        let set = try await PolicySets.create(body.name, enforcement: body.enforcement.rawValue, scope: names.isEmpty ? .all : .named(names),
                                              policies: body.policies.map(Policy.init), in: input.path.organization,
                                              actor: try request.auth.require(User.self), engine: request.application.policyEngine,
                                              clock: request.application.clock, on: request.db)
        return .created(.init(body: .json(.init(set))))
    }

    func getPolicySet(_ input: Operations.GetPolicySet.Input) async throws -> Operations.GetPolicySet.Output {
        let set = try await PolicySets.find(input.path.policySet, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(.init(set))))
    }

    func updatePolicySet(_ input: Operations.UpdatePolicySet.Input) async throws -> Operations.UpdatePolicySet.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let scope: PolicySets.Scope?
        switch (body.environments, body.allEnvironments) {
        case (nil, nil): scope = nil
        case let (names?, nil): scope = .named(names)
        case (nil, true?): scope = .all
        case (nil, false?): throw PolicyRefusal.allEnvironmentsIsTrue
        case (_?, _?): throw PolicyRefusal.scopeConflict
        }
        let request = try Self.request
        let set = try await PolicySets.update(input.path.policySet, enforcement: body.enforcement?.rawValue, scope: scope,
                                              in: input.path.organization, actor: try request.auth.require(User.self), clock: request.application.clock,
                                              on: request.db)
        return .ok(.init(body: .json(.init(set))))
    }

    func deletePolicySet(_ input: Operations.DeletePolicySet.Input) async throws -> Operations.DeletePolicySet.Output {
        try await PolicySets.delete(input.path.policySet, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }

    func listPolicySetVersions(_ input: Operations.ListPolicySetVersions.Input) async throws -> Operations.ListPolicySetVersions.Output {
        let versions = try await PolicySets.versions(of: input.path.policySet, in: input.path.organization, actorID: try Self.actorID,
                                                     on: try Self.database)
        return .ok(.init(body: .json(versions.map(Components.Schemas.PolicySetVersion.init))))
    }

    func pushPolicySetVersion(_ input: Operations.PushPolicySetVersion.Input) async throws -> Operations.PushPolicySetVersion.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let request = try Self.request
        let set = try await PolicySets.push(body.policies.map(Policy.init), to: input.path.policySet, in: input.path.organization,
                                            actor: try request.auth.require(User.self), engine: request.application.policyEngine,
                                            clock: request.application.clock, on: request.db)
        return .created(.init(body: .json(.init(set))))
    }

    func getPolicySetVersion(_ input: Operations.GetPolicySetVersion.Input) async throws -> Operations.GetPolicySetVersion.Output {
        let version = try await PolicySets.version(input.path.version, of: input.path.policySet, in: input.path.organization,
                                                   actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(.init(version))))
    }

    func overridePolicyCheck(_ input: Operations.OverridePolicyCheck.Input) async throws -> Operations.OverridePolicyCheck.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let request = try Self.request
        let located = try await Runs.overridePolicy(try Self.runID(input.path.run), actor: try request.auth.require(User.self),
                                                    tokenCode: body.tokenCode, reason: body.reason, mfa: request.application.mfaServices,
                                                    on: request.db)
        return .ok(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }
}

extension Policy {
    init(_ source: Components.Schemas.PolicySource) {
        self.init(name: source.name, source: source.source)
    }
}

extension Components.Schemas.PolicySource {
    init(_ policy: Policy) {
        self.init(name: policy.name, source: policy.source)
    }
}

extension Components.Schemas.PolicySet {
    init(_ set: PolicySets.Listed) {
        self.init(name: set.name, enforcement: .init(rawValue: set.enforcement.rawValue) ?? .hardMandatory, environments: set.environments,
                  version: set.version, versionCreatedBy: set.versionCreatedBy, versionCreatedAt: Date(timeIntervalSince1970: set.versionCreatedAt),
                  policies: set.policies.map(Components.Schemas.PolicySource.init))
    }
}

extension Components.Schemas.PolicySetVersion {
    init(_ version: PolicySetVersion) {
        self.init(number: version.number, createdBy: version.createdBy, createdAt: Date(timeIntervalSince1970: version.createdAt),
                  policies: (version.policies ?? []).map(Components.Schemas.PolicySource.init))
    }
}

extension Components.Schemas.PolicyCheck {
    init(_ check: PolicyCheck) {
        self.init(
            status: .init(rawValue: check.status.rawValue) ?? .errored, checkedAt: Date(timeIntervalSince1970: check.checkedAt),
            approvalsRequired: check.approvalsRequired,
            sets: check.sets.map { set in
                .init(name: set.name, version: set.version, enforcement: .init(rawValue: set.enforcement.rawValue) ?? .hardMandatory,
                      error: set.error, approvalsRequired: set.approvalsRequired,
                      policies: set.policies.map { .init(name: $0.name, passed: $0.passed, messages: $0.messages) })
            },
            override: check.override.map { .init(by: $0.by, at: Date(timeIntervalSince1970: $0.at), reason: $0.reason, deviceSerial: $0.deviceSerial) })
    }
}
