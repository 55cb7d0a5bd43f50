import Fluent
import Foundation

/// Variable operations for either scope: those who may read it read (sensitive values never); owners write the
/// organization's, the environment's administrators (owners, teams with that access) the environment's. The AWS keys
/// and the MFA serial that MFA uses are organization variables only. Storage is `VariableStore`'s.
enum Variables {
    static func list(_ scope: VariableScope, actorID: UUID, secrets: SecretBox, on database: any Database) async throws -> [ListedVariable] {
        switch scope {
        case let .organization(name):
            let organization = try await Authorizer.authorize(actorID, .read, organization: name, on: database)
            return try await VariableStore<OrganizationVariable>.listed(in: organization.organizationID, secrets: secrets, on: database)
        case let .environment(organization, name):
            let environment = try await Environments.find(name, in: organization, actorID: actorID, on: database)
            return try await VariableStore<EnvironmentVariable>.listed(in: try environment.requireID(), secrets: secrets, on: database)
        }
    }

    /// Creates or replaces a variable (the scope's administrators only); returns whether it is stored sensitive.
    @discardableResult
    static func set(_ key: String, value: String, sensitive asked: Bool, in scope: VariableScope, actorID: UUID,
                    secrets: SecretBox, on database: any Database) async throws -> Bool {
        try VariableRules.check(key, value: value)
        let sensitive = VariableRules.isSensitive(key, asked: asked)
        switch scope {
        case .organization:
            let organizationID = try await ownedScopeID(scope, actorID: actorID, on: database)
            try await VariableStore<OrganizationVariable>.set(key, value: value, sensitive: sensitive, in: organizationID, secrets: secrets, on: database)
        case .environment:
            guard !AWSAccess.withheldVariables.contains(key) else { throw VariableRefusal.organizationLevelOnly(key) }
            let environmentID = try await ownedScopeID(scope, actorID: actorID, on: database)
            try await VariableStore<EnvironmentVariable>.set(key, value: value, sensitive: sensitive, in: environmentID, secrets: secrets, on: database)
            try await voidApprovals(in: environmentID, key: key, actorID: actorID, on: database)
        }
        return sensitive
    }

    /// Deletes a variable (the scope's administrators only).
    static func delete(_ key: String, in scope: VariableScope, actorID: UUID, on database: any Database) async throws {
        let scopeID = try await ownedScopeID(scope, actorID: actorID, on: database)
        switch scope {
        case .organization: try await VariableStore<OrganizationVariable>.delete(key, in: scopeID, on: database)
        case .environment:
            try await VariableStore<EnvironmentVariable>.delete(key, in: scopeID, on: database)
            try await voidApprovals(in: scopeID, key: key, actorID: actorID, on: database)
        }
    }

    /// An environment variable changes what a planned run's apply gets: the approvals given before no longer hold (a
    /// team that administers the environment cannot change an approved apply's variables under its approvers).
    private static func voidApprovals(in environmentID: UUID, key: String, actorID: UUID, on database: any Database) async throws {
        let actor = try await User.find(actorID, on: database)?.username ?? "an administrator"
        try await RunApproval.voidAwaiting(in: environmentID, actor: actor, because: "the environment variable \(key) changed", on: database)
    }

    /// The organization's variables, decrypted (for the MFA gate and its checks).
    static func ofOrganization(_ organizationID: UUID, secrets: SecretBox, on database: any Database) async throws -> [UnsealedVariable] {
        try await VariableStore<OrganizationVariable>.unsealed(in: organizationID, secrets: secrets, on: database)
    }

    /// One organization variable's value (the shared MFA serial, say), without decrypting the others.
    static func ofOrganization(_ key: String, in organizationID: UUID, secrets: SecretBox, on database: any Database) async throws -> String? {
        try await VariableStore<OrganizationVariable>.value(of: key, in: organizationID, secrets: secrets, on: database)
    }

    /// What a run of `environment` gets: the organization's variables, then the environment's (which win on
    /// the same key), decrypted.
    static func forRun(of environment: TerraformEnvironment, secrets: SecretBox, on database: any Database) async throws -> [UnsealedVariable] {
        let organizationVariables = try await ofOrganization(environment.$organization.id, secrets: secrets, on: database)
        let environmentVariables = try await VariableStore<EnvironmentVariable>.unsealed(in: try environment.requireID(), secrets: secrets, on: database)
        let overridden = Set(environmentVariables.map(\.key))
        return organizationVariables.filter { !overridden.contains($0.key) } + environmentVariables
    }

    /// The id of the scope's owning row, once the actor is known to administer it: the organization's owners, or
    /// the environment's administrators (owners, and teams with that access).
    private static func ownedScopeID(_ scope: VariableScope, actorID: UUID, on database: any Database) async throws -> UUID {
        switch scope {
        case let .organization(name):
            return try await Authorizer.authorize(actorID, .administer, organization: name, on: database).organizationID
        case let .environment(organizationName, name):
            return try await Environments.find(name, in: organizationName, actorID: actorID, for: .administer, on: database).requireID()
        }
    }
}
