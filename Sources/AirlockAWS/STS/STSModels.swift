import Foundation

/// Parameters of STS AssumeRole.
public struct AssumeRoleRequest: Sendable, Equatable {
    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public var roleARN: String
    public var roleSessionName: String
    public var durationSeconds: Int?
    public var externalID: String?
    /// The MFA device (ARN or hardware serial) and the code it shows now; both or neither.
    public var serialNumber: String?
    public var tokenCode: String?
    public var sourceIdentity: String?
    public var tags: [Tag]
    /// An inline session policy (JSON).
    public var policy: String?

    public init(
        roleARN: String, roleSessionName: String, durationSeconds: Int? = nil, externalID: String? = nil,
        serialNumber: String? = nil, tokenCode: String? = nil, sourceIdentity: String? = nil,
        tags: [Tag] = [], policy: String? = nil
    ) {
        self.roleARN = roleARN
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.externalID = externalID
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
        self.sourceIdentity = sourceIdentity
        self.tags = tags
        self.policy = policy
    }
}

/// Temporary credentials from GetSessionToken.
public struct SessionTokenResult: Sendable, Equatable {
    public var credentials: AWSCredentials
    public var requestID: String?
}

/// Temporary credentials from AssumeRole, with the session's identity.
public struct AssumeRoleResult: Sendable, Equatable {
    public var credentials: AWSCredentials
    /// `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`
    public var assumedRoleARN: String
    /// `AROA...:SESSION`
    public var assumedRoleID: String
    public var packedPolicySize: Int?
    public var sourceIdentity: String?
    public var requestID: String?
}

/// GetCallerIdentity's answer, with the field names `aws sts get-caller-identity` prints.
public struct CallerIdentity: Sendable, Equatable, Codable {
    public var userID: String
    public var account: String
    public var arn: String

    public init(userID: String, account: String, arn: String) {
        self.userID = userID
        self.account = account
        self.arn = arn
    }

    enum CodingKeys: String, CodingKey {
        case userID = "UserId", account = "Account", arn = "Arn"
    }
}
