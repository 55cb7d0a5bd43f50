import AirlockAWS
import AirlockTesting
import Foundation

/// A home folder with the reference document's AWS profiles (and a few more), the project's test STS for
/// them, and the built `airlock` binary: everything a CLI test runs against.
final class CLIWorld: Sendable {
    static let account = "128716708097"
    static let serial = "arn:aws:iam::\(account):mfa/cli-user"

    /// The reference's config file, as `aws-cli-role-mfa.txt` shows it, then profiles for chains, loops,
    /// `credential_source`, `mfa_process` and `credential_process`.
    static func configFile(airlock: String) -> String {
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

        """
    }

    let home: URL
    let sts: TestSTS
    let anika: TestSTSDirectory.User
    let airlock: String

    static var airlockBinary: String {
        // Tests/AirlockCLITests/CLIWorld.swift -> repository root -> .build/debug/airlock
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/airlock").path
    }

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
        let sts = try await TestSTS.start(directory: directory)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-cli-\(UUID().uuidString)")
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try configFile(airlock: airlockBinary).write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try """
            [cli-user]
            aws_access_key_id = \(anika.accessKeyID)
            aws_secret_access_key = \(anika.secretAccessKey)

            """.write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        return CLIWorld(home: home, sts: sts, anika: anika, airlock: airlockBinary)
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
            "AIRLOCK_TOTP_SECRET": anika.mfaSecret ?? "",
            "LANG": "C.UTF-8",
        ]
    }

    /// The code anika's device shows now.
    func code() async -> String {
        await sts.engine.currentCode(forUser: "anika") ?? ""
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
    func aws(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await CommandRunner.run("/usr/bin/env", ["aws"] + arguments, environment: environment)
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
