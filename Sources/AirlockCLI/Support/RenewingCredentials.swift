import AirlockAWS
import Foundation

/// A profile's credentials as `airlock exec --server` hands them out: the last ones resolved while they have life
/// enough (`SessionRenewal`), else the profile resolved again (a role assumed again from the cached MFA session,
/// without a new code while that lasts). One resolution at a time, however many requests ask at once.
actor RenewingCredentials {
    private let resolve: @Sendable () async throws -> AWSCredentials
    private var current: (credentials: AWSCredentials, issuedAt: Date)?
    private var resolving: Task<AWSCredentials, any Error>?

    /// - Parameter initial: credentials resolved just now, handed out first.
    init(initial: AWSCredentials, resolve: @escaping @Sendable () async throws -> AWSCredentials) {
        self.resolve = resolve
        current = (initial, Date())
    }

    /// The credentials to hand out now, and the end to announce for them.
    func credentials(now: Date = Date()) async throws -> (credentials: AWSCredentials, expiration: Date?) {
        if let current {
            guard current.credentials.expiration != nil else { return (current.credentials, nil) }  // long-term keys
            if let announced = SessionRenewal.announcedExpiration(of: current.credentials, issuedAt: current.issuedAt, now: now) {
                return (current.credentials, announced)
            }
        }
        let fresh: AWSCredentials
        if let resolving {
            fresh = try await resolving.value
        } else {
            let task = Task { [resolve] in try await resolve() }
            resolving = task
            defer { resolving = nil }
            fresh = try await task.value
            current = (fresh, now)
        }
        return (fresh, fresh.expiration.map { _ in SessionRenewal.announcedExpiration(of: fresh, issuedAt: now, now: now) ?? now })
    }
}
