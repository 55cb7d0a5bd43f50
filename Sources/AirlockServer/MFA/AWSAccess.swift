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
    static let sessionSeconds = 3600

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

    /// Session credentials: GetSessionToken (with the MFA device and code when given), then, with a role,
    /// AssumeRole under that session with `sourceIdentity` (by default the approving user) as SourceIdentity.
    /// Returns the credentials and STS's request id of the GetSessionToken.
    func session(_ keys: Keys, tokenCode: String?, roleARN: String?, user: String, sourceIdentity: String? = nil,
                 sessionName: String) async throws -> (AWSCredentials, String?) {
        let sts = STSClient(credentials: keys.credentials, region: region, endpoint: endpoint, client: client)
        let session = try await sts.getSessionToken(durationSeconds: Self.sessionSeconds,
                                                    serialNumber: tokenCode == nil ? nil : keys.serial, tokenCode: tokenCode)
        guard let roleARN else { return (session.credentials, session.requestID) }
        let roleSTS = STSClient(credentials: session.credentials, region: region, endpoint: endpoint, client: client)
        let role = try await roleSTS.assumeRole(AssumeRoleRequest(roleARN: roleARN, roleSessionName: sessionName,
                                                                  durationSeconds: Self.sessionSeconds, sourceIdentity: sourceIdentity ?? user))
        return (role.credentials, session.requestID)
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
