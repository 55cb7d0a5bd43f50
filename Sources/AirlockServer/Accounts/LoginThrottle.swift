import Fluent
import Foundation

/// Limits password guessing at the login form, counting failures over the last `window`:
/// - one address trying one account: `perAccountAndAddress` failures;
/// - one address trying any accounts: past `perAddress` failures, only the names that have failed from there
///   are refused, so a correct password is never refused for other names' failures (behind a proxy whose
///   address everyone shares, or a NAT);
/// - one account tried from everywhere: past `perAccount` failures, only addresses that have failed
///   for it themselves are refused, so an attacker cannot lock the real user out from their own machine.
/// Each try is recorded before its password is checked, so parallel tries cannot slip past a limit.
enum LoginThrottle {
    static let window: TimeInterval = 15 * 60
    static let perAccountAndAddress = 5
    static let perAddress = 20
    static let perAccount = 100

    /// A login refused without checking the password.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Records a try of `username` from `address`; throws `Refused` when a limit is passed. Call
    /// `succeeded(_:)` with the returned attempt when the password was right.
    static func attempt(_ username: String, from address: String, at now: Date, on database: any Database) async throws -> LoginAttempt {
        let attempt = LoginAttempt(username: username, address: address, at: now)
        try await attempt.save(on: database)
        let since = now.timeIntervalSince1970 - window
        let minutes = Int(window / 60)
        let fromAddress = LoginAttempt.query(on: database).filter(\.$address == address).filter(\.$attemptedAt > since)
        let pair = try await fromAddress.copy().filter(\.$username == username).count()
        if pair > perAccountAndAddress {
            throw Refused(description: "Too many failed logins for \(username) from your address. Try again in \(minutes) minutes, or ask an organization owner to check the account.")
        }
        if pair > 1, try await fromAddress.count() > perAddress {
            throw Refused(description: "Too many failed logins from your address. Try again in \(minutes) minutes.")
        }
        let account = try await LoginAttempt.query(on: database).filter(\.$username == username).filter(\.$attemptedAt > since).count()
        if account > perAccount, pair > 1 {
            throw Refused(description: "\(username) is receiving many failed logins. Try again in \(minutes) minutes from here, or log in from a machine that has not failed.")
        }
        return attempt
    }

    /// The password was right: the try is not a failure.
    static func succeeded(_ attempt: LoginAttempt, on database: any Database) async throws {
        try await attempt.delete(on: database)
    }

    /// Deletes tries older than the window.
    static func purge(before now: Date, on database: any Database) async throws {
        try await LoginAttempt.query(on: database).filter(\.$attemptedAt <= now.timeIntervalSince1970 - window).delete()
    }
}
