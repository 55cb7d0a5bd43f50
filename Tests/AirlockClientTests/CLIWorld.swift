import AirlockAWS
import AirlockTesting
import Crypto
import Foundation

/// A home folder with the reference document's AWS profiles (and a few more), the project's test STS for
/// them, and the built `airlock` binary: everything a CLI test runs against.
final class CLIWorld: Sendable {
    static let account = "128716708097"
    static let serial = "arn:aws:iam::\(account):mfa/cli-user"

    /// The Identity Center sign-in's start URL and a CI system's web identity provider.
    static let startURL = "https://company.awsapps.com/start"
    static let ciProvider = "token.ci.example.com"

    /// The reference's config file, as `aws-cli-role-mfa.txt` shows it, then profiles for chains, loops,
    /// `credential_source`, `mfa_process`, `credential_process`, web identity and Identity Center.
    static func configFile(airlock: String, home: URL) -> String {
        """
        [profile role-without-mfa]
        region = us-west-2
        role_arn= arn:aws:iam::\(account):role/cli-role
        source_profile=cli-user

        [profile role-with-mfa]
        region = us-west-2
        role_arn= arn:aws:iam::\(account):role/cli-role
        source_profile = cli-user
        mfa_serial = \(serial)

        [profile anika]
        region = us-west-2
        output = json

        [profile open-with-mfa]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/open-role
        source_profile = cli-user
        mfa_serial = \(serial)

        [profile keys-with-commented-region]
        region = eu-west-1 # note
        aws_access_key_id = AKIAANIKA00000000001
        aws_secret_access_key = anikaSecretKey/0000000000000000000000001

        [profile role-with-commented-region]
        region = eu-west-1 # note
        role_arn = arn:aws:iam::\(account):role/cli-role
        source_profile = cli-user
        mfa_serial = \(serial)

        [profile chained]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/open-role
        source_profile = role-with-mfa

        [profile loop-a]
        role_arn = arn:aws:iam::\(account):role/open-role
        source_profile = loop-b

        [profile loop-b]
        role_arn = arn:aws:iam::\(account):role/open-role
        source_profile = loop-a

        [profile from-environment]
        region = eu-west-1
        role_arn = arn:aws:iam::\(account):role/open-role
        credential_source = Environment

        [profile with-mfa-process]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/cli-role
        source_profile = cli-user
        mfa_serial = \(serial)
        mfa_process = \(airlock) totp

        [profile via-airlock]
        region = us-west-2
        credential_process = \(airlock) credential-process --profile role-with-mfa

        [profile slow-process]
        region = us-west-2
        credential_process = sh -c 'echo $$ > "$HOME/slow.pid"; exec sleep 600'

        [profile loops-through-airlock]
        region = us-west-2
        credential_process = \(airlock) credential-process --profile loops-through-airlock

        [profile leaves-daemon]
        region = us-west-2
        credential_process = sh -c 'sleep 600 & echo $! > "$HOME/daemon.pid"; echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIAANIKA00000000001\\", \\"SecretAccessKey\\": \\"anikaSecretKey/0000000000000000000000001\\"}"'

        [profile chatty-daemon]
        region = us-west-2
        credential_process = sh -c '(while :; do echo chatter; sleep 0.01; done) & echo $! > "$HOME/daemon.pid"; echo "{}"'

        [profile reads-parent]
        credential_process = sh -c 'tr "\\000" " " < /proc/$PPID/cmdline > "$HOME/parent-cmdline"; exit 3'

        [profile role-from-reader]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/cli-role
        source_profile = reads-parent
        mfa_serial = \(serial)

        [profile ci]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/ci-deploy
        web_identity_token_file = \(home.path)/ci-token
        role_session_name = ci-run

        [profile from-ci]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/open-role
        role_session_name = from-ci
        source_profile = ci

        [sso-session company]
        sso_start_url = \(startURL)
        sso_region = eu-central-1
        sso_registration_scopes = sso:account:access

        [profile sso-admin]
        region = us-west-2
        sso_session = company
        sso_account_id = \(account)
        sso_role_name = AdministratorAccess

        [profile sso-legacy]
        region = us-west-2
        sso_start_url = \(startURL)
        sso_region = eu-central-1
        sso_account_id = \(account)
        sso_role_name = AdministratorAccess

        [profile from-sso]
        region = us-west-2
        role_arn = arn:aws:iam::\(account):role/open-role
        role_session_name = from-sso
        source_profile = sso-admin

        [profile sso-unassigned]
        region = us-west-2
        sso_session = company
        sso_account_id = \(account)
        sso_role_name = open-role

        [profile sso-half]
        sso_session = company
        sso_role_name = AdministratorAccess

        """
    }

    /// The CI system's token (in `$HOME/ci-token` once a test writes it) and anika's Identity Center tokens.
    static let ciToken = "eyJhbGciOiJSUzI1NiJ9.ci-run-token.signature"
    static let ssoAccessToken = "sso-access-anika-0001"
    static let ssoRefreshToken = "sso-refresh-anika-0001"

    let home: URL
    let sts: TestSTS
    let anika: TestSTSDirectory.User
    let airlock: String

    private init(home: URL, sts: TestSTS, anika: TestSTSDirectory.User, airlock: String) {
        self.home = home
        self.sts = sts
        self.anika = anika
        self.airlock = airlock
    }

    static func start() async throws -> CLIWorld {
        var directory = TestSTSDirectory.reference(accountID: account)
        let anika = directory.users[0]
        let cliRole = directory.roles[0].arn
        directory.roles[1].trustedPrincipals.append(cliRole)
        // A CI system's token for the role `ci-deploy`; anika's Identity Center sign-in with AdministratorAccess; both
        // may go on to open-role.
        let ciToken = TestSTSDirectory.WebIdentityToken(token: ciToken, provider: ciProvider, subject: "repo:platform/infra:ref:refs/heads/main",
                                                        accountID: account)
        directory.webIdentityTokens = [ciToken]
        directory.roles.append(.init(name: "ci-deploy", accountID: account, trustedPrincipals: [ciToken.providerARN], requiresMFA: false))
        directory.roles.append(.init(name: "AdministratorAccess", accountID: account, trustedPrincipals: [], requiresMFA: false))
        directory.roles[1].trustedPrincipals += ["arn:aws:iam::\(account):role/ci-deploy", "arn:aws:iam::\(account):role/AdministratorAccess"]
        directory.ssoUsers = [.init(name: "anika", accessToken: ssoAccessToken, accessTokenExpiration: Date().addingTimeInterval(8 * 3600),
                                    clientID: "client-anika", clientSecret: "client-secret-anika", refreshToken: ssoRefreshToken,
                                    assignments: [(account, "AdministratorAccess")])]
        let sts = try await TestSTS.start(directory: directory)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-cli-\(UUID().uuidString)")
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try configFile(airlock: AirlockBinary.path, home: home).write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try """
            [cli-user]
            aws_access_key_id = \(anika.accessKeyID)
            aws_secret_access_key = \(anika.secretAccessKey)

            """.write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        return CLIWorld(home: home, sts: sts, anika: anika, airlock: AirlockBinary.path)
    }

    func stop() async {
        try? await sts.stop()
        try? FileManager.default.removeItem(at: home)
    }

    /// The environment every command gets: this home, the test STS as the STS endpoint, and nothing else of AWS.
    var environment: [String: String] {
        [
            "HOME": home.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString,
            "AWS_ENDPOINT_URL_SSO": sts.endpoint.absoluteString,
            "AWS_ENDPOINT_URL_SSO_OIDC": sts.endpoint.absoluteString,
            "AIRLOCK_TOTP_SECRET": anika.mfaSecret ?? "",
            "LANG": "C.UTF-8",
        ]
    }

    /// The code anika's device shows now.
    func code() async -> String {
        await sts.engine.currentCode(forUser: "anika") ?? ""
    }

    /// The code of the next time step (STS takes it now too): for a second exchange within one 30-second step.
    func nextCode() async -> String {
        await sts.engine.currentCode(forDevice: Self.serial, steps: 1) ?? ""
    }

    /// A code that is well-formed but wrong now.
    func wrongCode() async -> String {
        let right = await code()
        return right == "000000" ? "111111" : "000000"
    }

    /// Runs `airlock` without a terminal.
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:], stdin: String? = nil) async throws -> CommandRunner.Result {
        try await CommandRunner.run(airlock, arguments, environment: environment.merging(extraEnvironment) { $1 }, stdin: stdin)
    }

    /// Runs the AWS CLI without a terminal.
    func aws(_ arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> CommandRunner.Result {
        try await CommandRunner.run("/usr/bin/env", ["aws"] + arguments, environment: environment.merging(extraEnvironment) { $1 })
    }

    /// Writes the Identity Center token cache as `aws sso login` leaves it: the sign-in's file under the SHA-1 of the
    /// session's name (or, `legacy`, of the start URL), 0600.
    func writeSSOToken(accessToken: String = CLIWorld.ssoAccessToken, expiresIn: TimeInterval = 8 * 3600, legacy: Bool = false,
                       refreshToken: String? = CLIWorld.ssoRefreshToken) throws -> URL {
        let folder = home.appendingPathComponent(".aws/sso/cache")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = legacy ? Self.startURL : "company"
        let file = folder.appendingPathComponent(Hex.encode(Insecure.SHA1.hash(data: Array(name.utf8))) + ".json")
        var fields: [String: String] = [
            "startUrl": Self.startURL, "region": "eu-central-1", "accessToken": accessToken,
            "expiresAt": ISO8601Timestamp.format(Date().addingTimeInterval(expiresIn)),
        ]
        if let refreshToken {
            fields["refreshToken"] = refreshToken
            fields["clientId"] = "client-anika"
            fields["clientSecret"] = "client-secret-anika"
            fields["registrationExpiresAt"] = ISO8601Timestamp.format(Date().addingTimeInterval(90 * 86400))
        }
        try JSONEncoder().encode(fields).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return file
    }

    /// Starts a shell command in a real terminal with this world's environment.
    func terminal(_ command: String) async throws -> TmuxSession {
        try await TmuxSession(command: command, environment: environment)
    }

    var cacheFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: home.appendingPathComponent(".aws/cli/cache").path))?
            .filter { $0.hasSuffix(".json") } ?? []
    }
}

/// Starts a world, runs `body`, and stops it whatever happens.
func withCLIWorld(_ body: (CLIWorld) async throws -> Void) async throws {
    let world = try await CLIWorld.start()
    do {
        try await body(world)
    } catch {
        await world.stop()
        throw error
    }
    await world.stop()
}
