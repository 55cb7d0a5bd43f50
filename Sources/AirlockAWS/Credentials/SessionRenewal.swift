import Foundation

/// When temporary credentials that are handed out again and again (a run's credentials server, `airlock exec
/// --server`) are due for renewal, and the end to announce for them: renewed once less than half their life or 15
/// minutes (whichever is less) remain; announced a little before their real end (a quarter of their life, at most
/// 5 minutes), so an SDK comes back for new ones while the old ones still work, and never past `until`.
public enum SessionRenewal {
    /// The end to announce for `credentials` (made at `issuedAt`) handed out at `now`, or nil when they are due for renewal.
    public static func announcedExpiration(of credentials: AWSCredentials, issuedAt: Date, now: Date, until: Date = .distantFuture) -> Date? {
        let expiration = credentials.expiration ?? until
        let lifetime = max(0, expiration.timeIntervalSince(issuedAt))
        guard expiration.timeIntervalSince(now) > min(15 * 60, lifetime / 2) else { return nil }
        return min(expiration.addingTimeInterval(-min(5 * 60, lifetime / 4)), until)
    }
}
