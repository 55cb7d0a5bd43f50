import AirlockAWS
import Foundation

/// The IAM world a test STS knows: users with access keys and virtual MFA devices, and roles with trust
/// policies.
public struct TestSTSDirectory: Sendable {
    /// A virtual MFA device: its ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware token's serial, and its
    /// base32 TOTP seed.
    public struct MFADevice: Sendable {
        public var serial: String
        public var secret: String

        public init(serial: String, secret: String) {
            self.serial = serial
            self.secret = secret
        }

        /// The device's code generator.
        public var totp: TOTP? { try? TOTP(base32Secret: secret) }
    }

    /// An IAM user with one access key and, optionally, MFA devices (IAM allows eight): `mfaSerial` and
    /// `mfaSecret` name the first, `otherMFADevices` the rest.
    public struct User: Sendable {
        public var name: String
        public var accountID: String
        public var accessKeyID: String
        public var secretAccessKey: String
        /// The MFA device's ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware token's serial.
        public var mfaSerial: String?
        /// The device's base32 TOTP seed.
        public var mfaSecret: String?
        public var otherMFADevices: [MFADevice]

        public init(name: String, accountID: String = "123456789012", accessKeyID: String, secretAccessKey: String,
                    mfaSerial: String? = nil, mfaSecret: String? = nil, otherMFADevices: [MFADevice] = []) {
            self.name = name
            self.accountID = accountID
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.mfaSerial = mfaSerial
            self.mfaSecret = mfaSecret
            self.otherMFADevices = otherMFADevices
        }

        /// Every MFA device of the user.
        public var mfaDevices: [MFADevice] {
            (mfaSerial.flatMap { serial in mfaSecret.map { [MFADevice(serial: serial, secret: $0)] } } ?? []) + otherMFADevices
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

    /// A token an OpenID Connect provider issued (a CI system's, a Kubernetes service account's). A role trusts the
    /// provider when its `trustedPrincipals` hold `providerARN`.
    public struct WebIdentityToken: Sendable {
        public var token: String
        /// The issuer, as IAM names the provider (`token.actions.githubusercontent.com`).
        public var provider: String
        public var subject: String
        public var audience: String
        public var accountID: String

        public init(token: String, provider: String, subject: String, audience: String = "sts.amazonaws.com", accountID: String = "123456789012") {
            self.token = token
            self.provider = provider
            self.subject = subject
            self.audience = audience
            self.accountID = accountID
        }

        public var providerARN: String { "arn:aws:iam::\(accountID):oidc-provider/\(provider)" }
    }

    /// A person of IAM Identity Center: the access token a sign-in gave them (as `aws sso login` caches it), the client
    /// registration and refresh token that renew it, and the roles they are assigned by account.
    public struct SSOUser: Sendable {
        public var name: String
        public var accessToken: String
        public var accessTokenExpiration: Date
        public var clientID: String
        public var clientSecret: String
        public var refreshToken: String
        /// (account, role name) pairs; each role must be in `roles`.
        public var assignments: [(accountID: String, roleName: String)]

        public init(name: String, accessToken: String, accessTokenExpiration: Date, clientID: String, clientSecret: String,
                    refreshToken: String, assignments: [(accountID: String, roleName: String)]) {
            self.name = name
            self.accessToken = accessToken
            self.accessTokenExpiration = accessTokenExpiration
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
            self.assignments = assignments
        }
    }

    public var users: [User]
    public var roles: [Role]
    public var webIdentityTokens: [WebIdentityToken]
    public var ssoUsers: [SSOUser]

    public init(users: [User], roles: [Role] = [], webIdentityTokens: [WebIdentityToken] = [], ssoUsers: [SSOUser] = []) {
        self.users = users
        self.roles = roles
        self.webIdentityTokens = webIdentityTokens
        self.ssoUsers = ssoUsers
    }

    /// The reference document's world: user `anika` with a virtual MFA device (and two more, each a person's
    /// own: `mario-phone`, `olivia-key`), role `cli-role` whose trust policy demands MFA, and `open-role` that
    /// does not.
    public static func reference(accountID: String = "123456789012") -> TestSTSDirectory {
        let anika = User(
            name: "anika", accountID: accountID,
            accessKeyID: "AKIAANIKA00000000001", secretAccessKey: "anikaSecretKey/0000000000000000000000001",
            mfaSerial: "arn:aws:iam::\(accountID):mfa/cli-user", mfaSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            otherMFADevices: [MFADevice(serial: "arn:aws:iam::\(accountID):mfa/mario-phone", secret: "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"),
                              MFADevice(serial: "arn:aws:iam::\(accountID):mfa/olivia-key", secret: "ONSWG4TFORZWK3DFMFZXIYLOMRSWC4TU")]
        )
        return TestSTSDirectory(users: [anika], roles: [
            Role(name: "cli-role", accountID: accountID, trustedPrincipals: [anika.arn], requiresMFA: true),
            Role(name: "open-role", accountID: accountID, trustedPrincipals: [anika.arn], requiresMFA: false),
        ])
    }
}
