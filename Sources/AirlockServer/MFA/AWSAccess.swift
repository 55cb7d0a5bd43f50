import AirlockAWS
import Foundation
import Vapor

/// How the server reaches AWS STS, and the AWS credentials of an organization's variables.
public struct AWSAccess: Sendable {
    static let accessKeyVariable = "AWS_ACCESS_KEY_ID"
    static let secretKeyVariable = "AWS_SECRET_ACCESS_KEY"
    static let serialVariable = "AWS_MFA_SERIAL_NUMBER"
    /// Variables that hold long-term keys or the session Airlock makes: never passed to Terraform as they are.
    static let withheldVariables: Set<String> = [accessKeyVariable, secretKeyVariable, serialVariable, "AWS_SESSION_TOKEN"]

    let endpoint: URL
    let region: String
    let client: AWSQueryClient

    /// STS at `endpoint` in `region`, called through `client` (which `configure` shuts down with the app).
    public init(endpoint: URL, region: String, client: AWSQueryClient) {
        self.endpoint = endpoint
        self.region = region
        self.client = client
    }

    /// The organization's long-term keys and MFA serial, from its variables.
    struct Keys: Sendable {
        let credentials: AWSCredentials
        let serial: String?
    }

    static func keys(in variables: [UnsealedVariable]) -> Keys? {
        let values = Dictionary(variables.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        guard let id = values[accessKeyVariable], let secret = values[secretKeyVariable], !id.isEmpty, !secret.isEmpty else { return nil }
        return Keys(credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret), serial: values[serialVariable])
    }

    /// Which of the three variables MFA needs are missing (by name, as the reference lists them).
    static func missingForMFA(_ keys: [String]) -> [String] {
        [accessKeyVariable, secretKeyVariable, serialVariable].filter { !keys.contains($0) }
    }

    /// The role session's name for a run's phase, as CloudTrail shows it: `airlock-<user>-<run number>-<phase>`,
    /// and for an apply the first 12 hex digits of the approved plan's SHA-256 (`...-apply-3f9a1c2b4d5e`), so the
    /// role's session names what it was made to apply. The user is shortened to keep within STS's 64 characters
    /// (SourceIdentity carries it whole).
    static func sessionName(user: String, runNumber: Int, phase: RunPhase, planSHA256: String? = nil) -> String {
        let suffix = "-\(runNumber)-\(phase.rawValue)" + (planSHA256.map { "-" + $0.prefix(12) } ?? "")
        let room = 64 - "airlock-".count - suffix.count
        return "airlock-" + user.prefix(max(1, room)) + suffix
    }

    /// The role session's SourceIdentity: the person, and the device of their own whose code made the session
    /// (`mario@mario-phone`: the last part of a device ARN, or a hardware serial), within STS's 64 characters of
    /// `[\w+=,.@-]`. With the organization's shared device, the person alone (the device says nothing of who).
    static func sourceIdentity(user: String, personalDevice: String?) -> String {
        guard let device = personalDevice?.split(separator: "/").last else { return user }
        let name = String(device.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) })
        return String("\(user)@\(name)".prefix(64))
    }

    /// How long a phase may wait in the queue after its code; with a role it still has its whole limit (the MFA session
    /// is made this much longer than the limit).
    static let queueAllowanceSeconds = 3600
    /// The longest role session Airlock asks for: every role allows it (IAM's MaxSessionDuration is at least an
    /// hour), and a session that leaks out of a run is worth little for long.
    static let roleSessionSeconds = 3600

    /// A phase's grant: GetSessionToken from the long-term keys (with the MFA device and code when given) lasting the
    /// phase's limit and, for a grant made ahead of its phase (`queued`) with a role, `queueAllowanceSeconds` to wait
    /// in the queue, with one AssumeRole from it, so a role STS refuses (trust, MFA condition) is reported to whoever
    /// gave the code with STS's message, before anything runs. Without a role the session is what Terraform gets:
    /// it lasts the limit from now and no longer, and a queued phase must start while a quarter of an hour of it is left.
    /// Returns the grant and STS's request id of the GetSessionToken.
    func grant(_ keys: Keys, tokenCode: String?, role: PhaseAWSGrant.Role?, holdSeconds: Int, queued: Bool, now: Date) async throws
        -> (PhaseAWSGrant, String?) {
        let sts = STSClient(credentials: keys.credentials, region: region, endpoint: endpoint, client: client)
        let allowance = queued && role != nil ? Self.queueAllowanceSeconds : 0
        let session = try await sts.getSessionToken(durationSeconds: holdSeconds + allowance,
                                                    serialNumber: tokenCode == nil ? nil : keys.serial, tokenCode: tokenCode)
        // On the server's clock, and never past what STS's answer leaves: the limit with a role, 15 minutes without.
        let kept = Double(role == nil ? 900 : holdSeconds)
        let startBy = min(now.addingTimeInterval(Double(queued ? Self.queueAllowanceSeconds : 0)),
                          session.credentials.expiration.map { $0.addingTimeInterval(-kept) } ?? .distantFuture)
        let grant = PhaseAWSGrant(session: session.credentials, role: role, holdSeconds: holdSeconds, startBy: startBy)
        if queued, role != nil { _ = try await roleSession(of: grant, seconds: 900) }
        return (grant, session.requestID)
    }

    /// A role session of the grant's role, assumed from its session for `seconds` (at least STS's 900); the grant's
    /// session itself when it names no role.
    func roleSession(of grant: PhaseAWSGrant, seconds: Int) async throws -> AWSCredentials {
        guard let role = grant.role else { return grant.session }
        let sts = STSClient(credentials: grant.session, region: region, endpoint: endpoint, client: client)
        let result = try await sts.assumeRole(AssumeRoleRequest(roleARN: role.arn, roleSessionName: role.sessionName,
                                                                durationSeconds: min(Self.roleSessionSeconds, max(900, seconds)),
                                                                sourceIdentity: role.sourceIdentity))
        return result.credentials
    }

    /// Checks an MFA code of `keys.serial` with STS (a GetSessionToken of the shortest length, thrown away).
    func checkCode(_ keys: Keys, tokenCode: String) async throws {
        let sts = STSClient(credentials: keys.credentials, region: region, endpoint: endpoint, client: client)
        _ = try await sts.getSessionToken(durationSeconds: 900, serialNumber: keys.serial, tokenCode: tokenCode)
    }

    /// A user-facing message for a failed STS call: STS's own line, or why it could not be reached.
    static func describe(_ error: any Error) -> MFARefusal {
        if let error = error as? AWSServiceError { return .refusedBySTS(error.description) }
        return .stsUnreachable(String(describing: error))
    }
}

extension Application {
    private struct AWSAccessKey: StorageKey {
        typealias Value = AWSAccess
    }

    /// How this server reaches AWS STS; set by `configure`.
    var awsAccess: AWSAccess {
        get { configured(AWSAccessKey.self) }
        set { storage[AWSAccessKey.self] = newValue }
    }
}
