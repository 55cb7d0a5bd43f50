import Fluent
import Foundation

/// Policy set operations, independent of HTTP: members see the sets that check their plans; owners create them, push
/// new versions of their policies (each checked in the engine first, and every one kept), change their enforcement
/// and the environments they cover, and delete them.
enum PolicySets {
    /// A set as its organization's people see it, at its newest version.
    struct Listed: Sendable {
        let name: String
        let enforcement: PolicyEnforcement
        /// Nil: every environment of the organization.
        let environments: [String]?
        let version: Int
        let versionCreatedBy: String
        let versionCreatedAt: Double
        let policies: [Policy]
    }

    /// Which environments a set covers.
    enum Scope: Sendable, Equatable {
        case all
        case named([String])
    }

    static func list(in organization: String, actorID: UUID, on database: any Database) async throws -> [Listed] {
        let grant = try await Authorizer.authorize(actorID, .read, organization: organization, on: database)
        var listed: [Listed] = []
        for set in try await PolicySet.query(on: database).filter(\.$organization.$id == grant.organizationID).sort(\.$name).all() {
            listed.append(try await describe(set, for: actorID, role: grant.role, on: database))
        }
        return listed
    }

    static func find(_ name: String, in organization: String, actorID: UUID, on database: any Database) async throws -> Listed {
        let grant = try await Authorizer.authorize(actorID, .read, organization: organization, on: database)
        return try await describe(try await located(name, organizationID: grant.organizationID, on: database), for: actorID, role: grant.role,
                                  on: database)
    }

    /// Creates a set (owners only) with its first version, once the engine loads its policies.
    static func create(_ name: String, enforcement: String, scope: Scope, policies: [Policy], in organization: String, actor: User,
                       engine: PolicyEngine?, clock: ServerClock, on database: any Database) async throws -> Listed {
        let actorID = try actor.requireID()
        _ = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        _ = try ResourceName.validated(name, names: "Policy set names")
        let enforcement = try validatedEnforcement(enforcement)
        let policies = try await loaded(policies, engine: engine)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
            if try await PolicySet.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$name == name).first() != nil {
                throw PolicyRefusal.nameTaken(name)
            }
            let set = PolicySet(organizationID: organizationID, name: name, enforcement: enforcement, allEnvironments: scope == .all, at: clock.now)
            try await set.save(on: database)
            try await setScope(scope, of: set, organizationID: organizationID, on: database)
            try await PolicySetVersion(policySetID: try set.requireID(), number: 1, policies: policies, by: actor.username, at: clock.now).save(on: database)
            try await discardWaitingPlans(coveredBy: set, organizationID: organizationID, actor: actor.username, on: database)
        }
        return try await find(name, in: organization, actorID: actorID, on: database)
    }

    /// Changes a set's enforcement level or the environments it covers (owners only). Runs already checked keep their
    /// result; the next plans are checked under the change.
    static func update(_ name: String, enforcement: String?, scope: Scope?, in organization: String, actor: User, clock: ServerClock,
                       on database: any Database) async throws -> Listed {
        let actorID = try actor.requireID()
        let enforcement = try enforcement.map(validatedEnforcement)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
            let set = try await located(name, organizationID: organizationID, on: database)
            if let enforcement { set.enforcement = enforcement }
            if let scope {
                set.allEnvironments = scope == .all
                try await setScope(scope, of: set, organizationID: organizationID, on: database)
            }
            set.updatedAt = clock.now.timeIntervalSince1970
            try await set.save(on: database)
            try await discardWaitingPlans(coveredBy: set, organizationID: organizationID, actor: actor.username, on: database)
        }
        return try await find(name, in: organization, actorID: actorID, on: database)
    }

    /// A new version of a set's policies (owners only), once the engine loads them; plans from now on are checked
    /// against it.
    static func push(_ policies: [Policy], to name: String, in organization: String, actor: User, engine: PolicyEngine?, clock: ServerClock,
                     on database: any Database) async throws -> Listed {
        let actorID = try actor.requireID()
        _ = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database)
        let policies = try await loaded(policies, engine: engine)
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
            let set = try await located(name, organizationID: organizationID, on: database)
            let number = set.latestVersion + 1
            try await PolicySetVersion(policySetID: try set.requireID(), number: number, policies: policies, by: actor.username, at: clock.now)
                .save(on: database)
            set.latestVersion = number
            set.updatedAt = clock.now.timeIntervalSince1970
            try await set.save(on: database)
            try await discardWaitingPlans(coveredBy: set, organizationID: organizationID, actor: actor.username, on: database)
        }
        return try await find(name, in: organization, actorID: actorID, on: database)
    }

    /// Every version of a set, newest first.
    static func versions(of name: String, in organization: String, actorID: UUID, on database: any Database) async throws -> [PolicySetVersion] {
        let grant = try await Authorizer.authorize(actorID, .read, organization: organization, on: database)
        let set = try await located(name, organizationID: grant.organizationID, on: database)
        return try await PolicySetVersion.query(on: database).filter(\.$policySet.$id == set.requireID()).sort(\.$number, .descending).all()
    }

    static func version(_ number: Int, of name: String, in organization: String, actorID: UUID, on database: any Database) async throws
        -> PolicySetVersion {
        let grant = try await Authorizer.authorize(actorID, .read, organization: organization, on: database)
        let set = try await located(name, organizationID: grant.organizationID, on: database)
        guard let version = try await PolicySetVersion.query(on: database).filter(\.$policySet.$id == set.requireID()).filter(\.$number == number).first()
        else { throw PolicyRefusal.versionNotFound(set: name, version: number) }
        return version
    }

    /// Deletes a set and its versions (owners only); runs keep the results they were checked with.
    static func delete(_ name: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
            try await located(name, organizationID: organizationID, on: database).delete(on: database)
        }
    }

    // MARK: - Rules

    /// Plans waiting for confirmation or an override in the environments a set now covers were checked against what
    /// the policies were (or not at all): after a change they are discarded, to be planned and checked again. An apply
    /// already approved and queued is past the check, and goes on.
    private static func discardWaitingPlans(coveredBy set: PolicySet, organizationID: UUID, actor: String, on database: any Database) async throws {
        let environmentIDs: [UUID] = set.allEnvironments
            ? try await TerraformEnvironment.query(on: database).filter(\.$organization.$id == organizationID).all().map { try $0.requireID() }
            : try await PolicySetEnvironment.query(on: database).filter(\.$policySet.$id == set.requireID()).all().map(\.$environment.id)
        guard !environmentIDs.isEmpty else { return }
        let waiting = try await Run.query(on: database).filter(\.$environment.$id ~~ environmentIDs).filter(\.$state ~~ [.planned, .policyOverride]).all()
        for run in waiting {
            try await RunTransition.move(try run.requireID(), from: [.planned, .policyOverride], to: .discarded, actor: actor,
                                         note: "Discarded: the policy set \(set.name) changed after this plan was checked; queue a new plan to check it against the policies as they are now.",
                                         on: database)
        }
    }

    static func validatedEnforcement(_ text: String) throws -> PolicyEnforcement {
        guard let level = PolicyEnforcement(rawValue: text) else { throw PolicyRefusal.invalidEnforcement(text) }
        return level
    }

    /// Policies checked by `Policy.validated`, then loaded in the engine: one that does not parse is refused now.
    private static func loaded(_ policies: [Policy], engine: PolicyEngine?) async throws -> [Policy] {
        let policies = try Policy.validated(policies)
        guard let engine else { throw PolicyRefusal.noEngine }
        try await PolicyChecks.verify(policies, engine: engine)
        return policies
    }

    private static func located(_ name: String, organizationID: UUID, on database: any Database) async throws -> PolicySet {
        guard let set = try await PolicySet.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$name == name).first() else {
            throw PolicyRefusal.notFound(name)
        }
        return set
    }

    /// Names the environments a set covers (none for every environment); an unknown name refuses the change.
    private static func setScope(_ scope: Scope, of set: PolicySet, organizationID: UUID, on database: any Database) async throws {
        let setID = try set.requireID()
        try await PolicySetEnvironment.query(on: database).filter(\.$policySet.$id == setID).delete()
        guard case let .named(names) = scope else { return }
        for name in Set(names).sorted() {
            guard let environment = try await TerraformEnvironment.query(on: database).filter(\.$organization.$id == organizationID)
                .filter(\.$name == name).first() else { throw PolicyRefusal.unknownEnvironment(name) }
            try await PolicySetEnvironment(policySetID: setID, environmentID: try environment.requireID()).save(on: database)
        }
    }

    /// The set as `actorID` sees it: the environments it names that they may not see are left out.
    private static func describe(_ set: PolicySet, for actorID: UUID, role: Membership.Role, on database: any Database) async throws -> Listed {
        let setID = try set.requireID()
        let version = try await PolicySetVersion.query(on: database).filter(\.$policySet.$id == setID).filter(\.$number == set.latestVersion).first()
        var environments: [String]?
        if !set.allEnvironments {
            var names: [String] = []
            for named in try await PolicySetEnvironment.query(on: database).filter(\.$policySet.$id == setID).with(\.$environment).all() {
                guard try await Authorizer.access(of: actorID, role: role, in: named.$environment.id, on: database).access != nil else { continue }
                names.append(named.environment.name)
            }
            environments = names.sorted()
        }
        return Listed(name: set.name, enforcement: set.enforcement, environments: environments, version: set.latestVersion,
                      versionCreatedBy: version?.createdBy ?? "", versionCreatedAt: version?.createdAt ?? set.createdAt, policies: version?.policies ?? [])
    }
}
