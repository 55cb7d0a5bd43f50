import Fluent
import Foundation

/// Organization operations, independent of HTTP. Each asks `Authorizer` first what the acting user may see and
/// do; the last owner can be neither removed nor demoted.
public enum Organizations {
    /// Creates an organization with `creatorID` as its first owner, if `creators` lets them.
    static func create(name: String, creatorID: UUID, creators: OrganizationCreators, on database: any Database) async throws -> Organization {
        guard let creator = try await User.find(creatorID, on: database), creators.allow(creator) else {
            throw OrganizationRefusal.creationReserved
        }
        return try await create(name: name, creatorID: creatorID, on: database)
    }

    /// Creates an organization with `creatorID` as its first owner (the server's operator decided who).
    private static func create(name: String, creatorID: UUID, on database: any Database) async throws -> Organization {
        _ = try ResourceName.validated(name, names: "Organization names")
        return try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            if try await Organization.query(on: database).filter(\.$name == name).first() != nil {
                throw OrganizationRefusal.nameTaken(name)
            }
            let organization = Organization(name: name)
            try await organization.save(on: database)
            try await Membership(organizationID: try organization.requireID(), userID: creatorID, role: .owner).save(on: database)
            return organization
        }
    }

    /// Creates an organization owned by the user named `owner` (for `airlock admin`).
    public static func create(name: String, ownerUsername: String, on database: any Database) async throws {
        guard let owner = try await User.query(on: database).filter(\.$username == ownerUsername).first() else {
            throw AccountRefusal.unknownUser(ownerUsername)
        }
        _ = try await create(name: name, creatorID: try owner.requireID(), on: database)
    }

    /// Adds a user to an organization or changes their role, on behalf of its owners (for `airlock admin`).
    public static func setMember(_ username: String, role: String, in name: String, on database: any Database) async throws {
        guard let role = Membership.Role(rawValue: role) else { throw OrganizationRefusal.invalidRole(role) }
        guard let organization = try await Organization.query(on: database).filter(\.$name == name).first(),
              let owner = try await Membership.query(on: database).filter(\.$organization.$id == organization.requireID())
                .filter(\.$role == .owner).first() else {
            throw OrganizationRefusal.notFound(name)
        }
        try await setMember(username, role: role, in: name, actorID: owner.$user.id, on: database)
    }

    /// The organizations a user belongs to, with their role, by name.
    static func list(for userID: UUID, on database: any Database) async throws -> [(Organization, Membership.Role)] {
        try await Membership.query(on: database).filter(\.$user.$id == userID).with(\.$organization).all()
            .map { ($0.organization, $0.role) }
            .sorted { $0.0.name < $1.0.name }
    }

    /// Every member of an organization the user belongs to.
    /// A member as the organization's people see them; their last sign-in and how they came in only for owners.
    struct Member: Sendable {
        let username: String
        let role: Membership.Role
        let lastSignIn: (at: Date, method: SignInMethod)?
    }

    static func members(of name: String, actorID: UUID, on database: any Database) async throws -> [Member] {
        let organization = try await Authorizer.authorize(actorID, .read, organization: name, on: database)
        let memberships = try await Membership.query(on: database).filter(\.$organization.$id == organization.organizationID).with(\.$user).all()
        var listed: [Member] = []
        for membership in memberships {
            let user = membership.user
            // Only about people wholly in the owner's care: adding someone to one's organization shows nothing of them.
            let visible = organization.isOwner ? try await isInCareOf(actorID, try user.requireID(), on: database) : false
            let signIn = visible ? user.lastSignInAt.flatMap { at in user.lastSignInMethod.map { (Date(timeIntervalSince1970: at), $0) } } : nil
            listed.append(Member(username: user.username, role: membership.role, lastSignIn: signIn))
        }
        return listed.sorted { $0.username < $1.username }
    }

    /// Whether every organization `userID` belongs to is one `ownerID` owns, and `userID` is no administrator unless
    /// `ownerID` is one: what an owner may see of a person's sign-ins, or end of their sessions and tokens (which
    /// reach beyond one organization). An owner can add anyone as a member without their consent, so membership alone
    /// is not enough.
    static func isInCareOf(_ ownerID: UUID, _ userID: UUID, on database: any Database) async throws -> Bool {
        let theirs = try await Membership.query(on: database).filter(\.$user.$id == userID).all().map(\.$organization.id)
        let owned = try await Membership.query(on: database).filter(\.$user.$id == ownerID).filter(\.$role == .owner).all().map(\.$organization.id)
        guard Set(theirs).isSubset(of: Set(owned)) else { return false }
        guard try await User.find(userID, on: database)?.isAdministrator == true else { return true }
        return try await User.find(ownerID, on: database)?.isAdministrator == true
    }

    /// Ends a member's browser sessions, revokes their API tokens and their unused `terraform login` codes at once
    /// (owners only, and only for someone wholly in their care, `isInCareOf`): for someone who left, or whose device
    /// was lost. Returns how many sessions and tokens.
    static func endSessions(of username: String, in name: String, actorID: UUID, on database: any Database) async throws -> (sessions: Int, tokens: Int) {
        let organizationID = try await Authorizer.authorize(actorID, .administer, organization: name, on: database).organizationID
        guard let user = try await User.query(on: database).filter(\.$username == username).first(),
              try await Membership.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$user.$id == user.requireID())
                .first() != nil else {
            throw OrganizationRefusal.unknownMember(username)
        }
        let userID = try user.requireID()
        guard try await isInCareOf(actorID, userID, on: database) else { throw OrganizationRefusal.notInYourCare(username) }
        return try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let tokens = try await APIToken.query(on: database).filter(\.$user.$id == userID).count()
            try await APIToken.query(on: database).filter(\.$user.$id == userID).delete()
            try await TerraformLoginCode.query(on: database).filter(\.$user.$id == userID).delete()
            return (try await WebSession.end(userID: userID, on: database), tokens)
        }
    }

    /// Adds a user to the organization or changes their role (owners only).
    static func setMember(_ username: String, role: Membership.Role, in name: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: name, on: database).organizationID
            guard let user = try await User.query(on: database).filter(\.$username == username).first() else {
                throw AccountRefusal.unknownUser(username)
            }
            if let existing = try await Membership.query(on: database)
                .filter(\.$organization.$id == organizationID).filter(\.$user.$id == user.requireID()).first() {
                if existing.role == .owner, role != .owner { try await refuseIfLastOwner(organizationID, on: database) }
                existing.role = role
                // By hand now: a group that brought them in no longer takes them out.
                existing.fromGroup = nil
                try await existing.save(on: database)
            } else {
                try await Membership(organizationID: organizationID, userID: try user.requireID(), role: role).save(on: database)
            }
        }
    }

    /// Removes a member (owners only); never the last owner.
    static func removeMember(_ username: String, from name: String, actorID: UUID, on database: any Database) async throws {
        try await database.transaction { database in
            try await RowLock.writeLock(on: database)
            let organizationID = try await Authorizer.authorize(actorID, .administer, organization: name, on: database).organizationID
            guard let user = try await User.query(on: database).filter(\.$username == username).first(),
                  let membership = try await Membership.query(on: database)
                    .filter(\.$organization.$id == organizationID).filter(\.$user.$id == user.requireID()).first() else {
                throw OrganizationRefusal.unknownMember(username)
            }
            if membership.role == .owner { try await refuseIfLastOwner(organizationID, on: database) }
            try await leave(try user.requireID(), organizationID: organizationID, on: database)
        }
    }

    /// Takes a person out of an organization and its teams, in the caller's transaction.
    static func leave(_ userID: UUID, organizationID: UUID, on database: any Database) async throws {
        try await RowLock.lock(Organization.schema, id: organizationID, on: database)
        let teams = try await Team.query(on: database).filter(\.$organization.$id == organizationID).all().map { try $0.requireID() }
        if !teams.isEmpty { try await TeamMembership.query(on: database).filter(\.$user.$id == userID).filter(\.$team.$id ~~ teams).delete() }
        try await Membership.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$user.$id == userID).delete()
    }

    /// Refuses to leave an organization without an owner. The organization's row is locked first (on
    /// PostgreSQL), so two owners stepping down at once cannot both pass the count.
    private static func refuseIfLastOwner(_ organizationID: UUID, on database: any Database) async throws {
        try await RowLock.lock(Organization.schema, id: organizationID, on: database)
        let owners = try await Membership.query(on: database)
            .filter(\.$organization.$id == organizationID).filter(\.$role == .owner).count()
        if owners <= 1 { throw OrganizationRefusal.lastOwner }
    }
}
