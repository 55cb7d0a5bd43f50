import AirlockAWS
import Foundation

/// The role session a run phase's credentials server hands out now, renewed from the phase's grant before it ends
/// (`SessionRenewal`). Until the phase's limit (`until`), never after it. One renewal at a time, however many
/// requests ask at once. A grant without a role hands out its own session, which lasts to the limit.
actor RoleSessionKeeper {
    /// Credentials as the server hands them out: the session, and the end it announces (a little before the real
    /// one, so SDKs come back for new ones while the old ones still work).
    struct Issued: Sendable {
        let credentials: AWSCredentials
        let announcedExpiration: Date
    }

    private let grant: PhaseAWSGrant
    private let aws: AWSAccess
    let until: Date
    private let renewed: @Sendable (AWSCredentials, _ renewal: Bool) async -> Void
    private var current: (credentials: AWSCredentials, issuedAt: Date)?
    private var renewing: Task<Result<AWSCredentials, RunCredentialRefusal>, Never>?

    /// - Parameter renewed: told of each new session before it is handed out (to mask it in the log and say so there);
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
        // Without a role the grant's own session is the phase's: it lasts to the limit, nothing to renew.
        if grant.role == nil {
            return Issued(credentials: grant.session, announcedExpiration: min(grant.session.expiration ?? until, until))
        }
        if let current, let issued = Self.issued(current.credentials, at: current.issuedAt, now: now, until: until) { return issued }
        let fresh: AWSCredentials
        if let renewing {
            // Another request is renewing it: the same new session serves both.
            fresh = try await renewing.value.get()
        } else {
            let (aws, grant) = (self.aws, self.grant)
            let seconds = Int(min(until.timeIntervalSince(now).rounded(.up), Double(AWSAccess.roleSessionSeconds)))
            let task = Task { () -> Result<AWSCredentials, RunCredentialRefusal> in
                do {
                    return .success(try await aws.roleSession(of: grant, seconds: seconds))
                } catch {
                    return .failure(.sts(AWSAccess.describe(error).message))
                }
            }
            renewing = task
            defer { renewing = nil }
            fresh = try await task.value.get()
            let renewal = current != nil
            current = (fresh, now)
            await renewed(fresh, renewal)
        }
        guard let issued = Self.issued(fresh, at: now, now: now, until: until) else { throw .sts("AWS STS answered with a session that has already ended.") }
        return issued
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
