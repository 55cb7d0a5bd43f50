import Fluent
import Foundation

/// Who a verified sign-in is: the Airlock account of the provider's person, made at their first sign-in, or a
/// local account with their verified email taken over when the operator allows it (never an administrator's, never
/// one of several with that email). A username held by anyone else is never taken over. With allowed groups, only
/// their people get in. Each sign-in brings the person's teams in step with their groups (`TeamGroupSync`).
enum SingleSignOnAccounts {
    static func account(for claims: IdentityClaims, configuration: SingleSignOnConfiguration, on database: any Database) async throws -> User {
        let issuer = configuration.issuer
        if !configuration.allowedGroups.isEmpty, Set(configuration.allowedGroups).isDisjoint(with: claims.groups) {
            throw SignInRefusal.notInAllowedGroup
        }
        return try await database.transaction { database in
            // Reads, then writes: a writer from the start on SQLite, or another writer makes it fail "database is locked"
            // (SingleSignOnBrowserTests caught it beside a busy run queue).
            try await RowLock.writeLock(on: database)
            let user = try await person(claims, issuer: issuer, configuration: configuration, on: database)
            try await TeamGroupSync.follow(claims.groups, userID: try user.requireID(), on: database)
            return user
        }
    }

    /// The person the claims name, found, taken over or made.
    private static func person(_ claims: IdentityClaims, issuer: String, configuration: SingleSignOnConfiguration,
                               on database: any Database) async throws -> User {
        if let known = try await User.query(on: database).filter(\.$identityIssuer == issuer)
            .filter(\.$identitySubject == claims.subject).first() {
            if let email = claims.verifiedEmail { known.email = email }
            try await known.save(on: database)
            return known
        }
        if let email = claims.verifiedEmail {
            let holders = try await User.query(on: database).filter(\.$email == email).filter(\.$identitySubject == nil).all()
            guard let local = holders.first else { return try await create(claims, issuer: issuer, on: database) }
            guard holders.count == 1 else { throw SignInRefusal.emailAmbiguous }
            guard configuration.linkLocalAccounts, local.isAdministrator != true else { throw SignInRefusal.emailHeldByLocalAccount }
            local.identityIssuer = issuer
            local.identitySubject = claims.subject
            try await local.save(on: database)
            return local
        }
        return try await create(claims, issuer: issuer, on: database)
    }

    private static func create(_ claims: IdentityClaims, issuer: String, on database: any Database) async throws -> User {
        guard try await User.query(on: database).filter(\.$username == claims.username).first() == nil else {
            throw SignInRefusal.usernameTaken(claims.username)
        }
        let user = User(username: claims.username, passwordHash: "")
        user.email = claims.verifiedEmail
        user.identityIssuer = issuer
        user.identitySubject = claims.subject
        try await user.save(on: database)
        return user
    }
}
