import AirlockAWS
import Foundation

/// The role session a run phase's credentials server hands out now, renewed from the phase's grant before it ends
/// (`SessionRenewal`). Until the phase's limit (`until`), never after it: each session is asked to end by then
/// (`sessionSeconds`). One renewal at a time, however many requests ask at once; after STS refused one, none is tried
/// for `retryAfter` (a run cannot make the server hammer STS). A grant without a role hands out its own session.
actor RoleSessionKeeper {
    /// Credentials as the server hands them out: the session, and the end it announces (a little before the real
    /// one, so SDKs come back for new ones while the old ones still work).
    struct Issued: Sendable {
        let credentials: AWSCredentials
        let announcedExpiration: Date
    }

    /// How long a refused renewal is remembered before STS is asked again.
    static let retryAfter: TimeInterval = 15
    /// STS's shortest role session.
    static let shortestSession = 900

    private let grant: PhaseAWSGrant
    private let aws: AWSAccess
    let until: Date
    private let renewed: @Sendable (AWSCredentials, _ renewal: Bool) async -> Void
    private var current: (credentials: AWSCredentials, issuedAt: Date)?
    private var renewing: Task<Result<AWSCredentials, RunCredentialRefusal>, Never>?
    private var lastRefusal: (refusal: RunCredentialRefusal, at: Date)?

    /// - Parameter renewed: told of each new session before anyone gets it (to mask it in the log and say so there);
    ///   `renewal` is false for the first.
    init(grant: PhaseAWSGrant, aws: AWSAccess, until: Date, renewed: @escaping @Sendable (AWSCredentials, Bool) async -> Void) {
        self.grant = grant
        self.aws = aws
        self.until = until
        self.renewed = renewed
    }

    /// The session to hand out at `now`: the current one while it has life enough, else a new one from STS.
    func credentials(now: Date = Date()) async throws(RunCredentialRefusal) -> Issued {
        guard now < until else { throw .ended(until) }
        // Without a role the grant's own session is the phase's: nothing to renew.
        if grant.role == nil {
            return Issued(credentials: grant.session, announcedExpiration: min(grant.session.expiration ?? until, until))
        }
        if let current, let issued = Self.issued(current.credentials, at: current.issuedAt, now: now, until: until) { return issued }
        if let lastRefusal, now.timeIntervalSince(lastRefusal.at) < Self.retryAfter { throw lastRefusal.refusal }
        let fresh: AWSCredentials
        if let renewing {
            // Another request is renewing it: the same new session serves both.
            fresh = try await renewing.value.get()
        } else {
            let (aws, grant, renewed) = (self.aws, self.grant, self.renewed)
            let (seconds, renewal) = (Self.sessionSeconds(remaining: until.timeIntervalSince(now)), current != nil)
            let task = Task { () -> Result<AWSCredentials, RunCredentialRefusal> in
                do {
                    let fresh = try await aws.roleSession(of: grant, seconds: seconds)
                    await renewed(fresh, renewal)
                    return .success(fresh)
                } catch {
                    return .failure(.sts(AWSAccess.describe(error).message))
                }
            }
            renewing = task
            defer { renewing = nil }
            switch await task.value {
            case let .success(session):
                fresh = session
                current = (session, now)
                lastRefusal = nil
            case let .failure(refusal):
                lastRefusal = (refusal, now)
                throw refusal
            }
        }
        guard let issued = Self.issued(fresh, at: now, now: now, until: until) else { throw .sts("AWS STS answered with a session that has already ended.") }
        return issued
    }

    /// How long a session made with `remaining` seconds left before the limit should last: to the limit when it is an
    /// hour or less away; otherwise an hour, or less so that what is left after it is never shorter than STS's
    /// shortest session (a last session never has to outlive the limit).
    static func sessionSeconds(remaining: TimeInterval) -> Int {
        let remaining = Int(remaining.rounded(.up))
        if remaining <= AWSAccess.roleSessionSeconds { return max(shortestSession, remaining) }
        return max(shortestSession, min(AWSAccess.roleSessionSeconds, remaining - 2 * shortestSession))
    }

    /// `credentials` as handed out at `now`, or nil when they are due for renewal (`SessionRenewal`).
    static func issued(_ credentials: AWSCredentials, at issuedAt: Date, now: Date, until: Date) -> Issued? {
        SessionRenewal.announcedExpiration(of: credentials, issuedAt: issuedAt, now: now, until: until)
            .map { Issued(credentials: credentials, announcedExpiration: $0) }
    }
}

/// Why a phase's credentials server handed out no credentials.
enum RunCredentialRefusal: Error, Equatable {
    /// The phase's limit passed.
    case ended(Date)
    /// STS refused or could not be reached (its message).
    case sts(String)

    var message: String {
        switch self {
        case let .ended(until):
            "This phase's AWS credentials ended at \(until.iso8601): the environment's limit from the phase's start (an owner sets it)."
        case let .sts(message): "Airlock could not renew the phase's AWS role session: \(message)"
        }
    }
}
