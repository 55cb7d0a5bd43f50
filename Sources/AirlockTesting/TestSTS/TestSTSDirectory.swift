import AirlockAWS
import Foundation

/// The IAM world a test STS knows: users with access keys and virtual MFA devices, and roles with trust
/// policies.
public struct TestSTSDirectory: Sendable {
    /// An IAM user with one access key and, optionally, one virtual MFA device.
    public struct User: Sendable {
        public var name: String
        public var accountID: String
        public var accessKeyID: String
        public var secretAccessKey: String
        /// The MFA device's ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware token's serial.
        public var mfaSerial: String?
        /// The device's base32 TOTP seed.
        public var mfaSecret: String?

        public init(name: String, accountID: String = "123456789012", accessKeyID: String, secretAccessKey: String,
                    mfaSerial: String? = nil, mfaSecret: String? = nil) {
            self.name = name
            self.accountID = accountID
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.mfaSerial = mfaSerial
            self.mfaSecret = mfaSecret
        }

        public var arn: String { "arn:aws:iam::\(accountID):user/\(name)" }
        public var userID: String { "AIDA" + String(accessKeyID.suffix(16)) }
        public var credentials: AWSCredentials { AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey) }
        /// The device's code generator.
        public var totp: TOTP? { mfaSecret.flatMap { try? TOTP(base32Secret: $0) } }
    }

    /// An IAM role and the one trust statement that matters for tests:
    /// who may assume it, and whether `aws:MultiFactorAuthPresent` must be true.
    public struct Role: Sendable {
        public var name: String
        public var accountID: String
        /// ARNs allowed to assume the role: users, roles, or `arn:aws:iam::ACCOUNT:root` for the whole account.
        public var trustedPrincipals: [String]
        /// The trust policy's `"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}`.
        public var requiresMFA: Bool
        /// The trust policy's `sts:ExternalId` condition.
        public var externalID: String?
        public var maxSessionDuration: Int

        public init(name: String, accountID: String = "123456789012", trustedPrincipals: [String], requiresMFA: Bool,
                    externalID: String? = nil, maxSessionDuration: Int = 3600) {
            self.name = name
            self.accountID = accountID
            self.trustedPrincipals = trustedPrincipals
            self.requiresMFA = requiresMFA
            self.externalID = externalID
            self.maxSessionDuration = maxSessionDuration
        }

        public var arn: String { "arn:aws:iam::\(accountID):role/\(name)" }
        var roleID: String {
            let letters = name.uppercased().filter { $0.isLetter || $0.isNumber }
            return "AROA" + String((letters + String(repeating: "X", count: 17)).prefix(17))
        }
    }

    public var users: [User]
    public var roles: [Role]

    public init(users: [User], roles: [Role] = []) {
        self.users = users
        self.roles = roles
    }

    /// The reference document's world: user `anika` with a virtual MFA device, role `cli-role` whose trust
    /// policy demands MFA, and `open-role` that does not.
    public static func reference(accountID: String = "123456789012") -> TestSTSDirectory {
        let anika = User(
            name: "anika", accountID: accountID,
            accessKeyID: "AKIAANIKA00000000001", secretAccessKey: "anikaSecretKey/0000000000000000000000001",
            mfaSerial: "arn:aws:iam::\(accountID):mfa/cli-user", mfaSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        )
        return TestSTSDirectory(users: [anika], roles: [
            Role(name: "cli-role", accountID: accountID, trustedPrincipals: [anika.arn], requiresMFA: true),
            Role(name: "open-role", accountID: accountID, trustedPrincipals: [anika.arn], requiresMFA: false),
        ])
    }
}
