import Foundation
import Testing
@testable import AirlockAWS

@Suite struct SharedConfigTests {
    /// The profiles of the reference document (`aws-cli-role-mfa.txt`), with `cli-user`'s keys.
    static let referenceConfig = """
        [profile role-without-mfa]
        region = us-west-2
        role_arn= arn:aws:iam::128716708097:role/cli-role
        source_profile=cli-user

        [profile role-with-mfa]
        region = us-west-2
        role_arn= arn:aws:iam::128716708097:role/cli-role
        source_profile = cli-user
        mfa_serial = arn:aws:iam::128716708097:mfa/cli-user

        [profile anika]
        region = us-west-2
        output = json
        """
    static let referenceCredentials = """
        [cli-user]
        aws_access_key_id = AKIAEXAMPLE000000001
        aws_secret_access_key = secret0000000000000000000000000000000001
        """

    @Test func resolvesTheReferenceRoleProfiles() throws {
        let config = try SharedConfig(configText: Self.referenceConfig, configPath: "config",
                                      credentialsText: Self.referenceCredentials, credentialsPath: "credentials")
        let keys = AWSCredentials(accessKeyID: "AKIAEXAMPLE000000001", secretAccessKey: "secret0000000000000000000000000000000001")
        #expect(try config.credentialSource(for: "role-with-mfa") == .assumeRole(
            AssumeRoleSettings(profile: "role-with-mfa", roleARN: "arn:aws:iam::128716708097:role/cli-role",
                               mfaSerial: "arn:aws:iam::128716708097:mfa/cli-user"),
            source: .staticKeys(keys, profile: "cli-user")
        ))
        #expect(try config.credentialSource(for: "role-without-mfa").mfaSerials == [])
        #expect(try config.profile("role-with-mfa").region == "us-west-2")
    }

    @Test func credentialsFileWinsForTheSameProfileAndKey() throws {
        let config = try SharedConfig(
            configText: "[default]\nregion = us-east-1\naws_access_key_id = FROMCONFIG\n", configPath: "c",
            credentialsText: "[default]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = s\n", credentialsPath: "k"
        )
        let profile = try config.profile("default")
        #expect(profile["aws_access_key_id"] == "FROMCREDENTIALS")
        #expect(profile.region == "us-east-1")
    }

    @Test func bareSectionsInTheConfigFileAreNotProfiles() throws {
        let config = try SharedConfig(configText: "[dev]\nregion = x\n[profile \"my team\"]\nregion = y\n", configPath: "c")
        #expect(config.profiles["dev"] == nil)
        #expect(config.profiles["my team"]?.region == "y")
        #expect(throws: ConfigError.profileNotFound("dev")) { try config.profile("dev") }
        #expect(ConfigError.profileNotFound("dev").description == "The config profile (dev) could not be found")
    }

    @Test func chainsOfSourceProfilesResolveInnermostFirst() throws {
        let config = try SharedConfig(configText: """
            [profile base]
            aws_access_key_id = AKIABASE
            aws_secret_access_key = s
            [profile middle]
            role_arn = arn:aws:iam::1:role/middle
            source_profile = base
            mfa_serial = GAHT12345678
            [profile top]
            role_arn = arn:aws:iam::1:role/top
            source_profile = middle
            role_session_name = me
            external_id = ext
            duration_seconds = 1800
            """, configPath: "c")
        let source = try config.credentialSource(for: "top")
        guard case let .assumeRole(top, .assumeRole(middle, .staticKeys(_, profile: base))) = source else {
            Issue.record("unexpected chain \(source)")
            return
        }
        #expect(top == AssumeRoleSettings(profile: "top", roleARN: "arn:aws:iam::1:role/top", roleSessionName: "me",
                                          externalID: "ext", durationSeconds: 1800))
        #expect(middle.mfaSerial == "GAHT12345678")
        #expect(base == "base")
        #expect(source.mfaSerials == ["GAHT12345678"])
    }

    @Test func loopsFailWithBotocoresMessage() throws {
        let config = try SharedConfig(configText: """
            [profile a]
            role_arn = arn:aws:iam::1:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::1:role/b
            source_profile = a
            """, configPath: "c")
        #expect(throws: ConfigError.infiniteLoop(sourceProfile: "a", visited: ["a", "b"])) { try config.credentialSource(for: "a") }
        #expect(ConfigError.infiniteLoop(sourceProfile: "a", visited: ["a", "b"]).description
            == "Infinite loop in credential configuration detected. Attempting to load from profile a which has already been visited. Visited profiles: ['a', 'b']")
    }

    @Test func aProfileMaySourceItsOwnStaticKeysButNotItself() throws {
        let own = try SharedConfig(configText: """
            [profile self]
            role_arn = arn:aws:iam::1:role/r
            source_profile = self
            aws_access_key_id = AKIASELF
            aws_secret_access_key = s
            """, configPath: "c")
        guard case .assumeRole(_, .staticKeys(_, profile: "self")) = try own.credentialSource(for: "self") else {
            Issue.record("expected self-sourced static keys")
            return
        }
        let loop = try SharedConfig(configText: "[profile self]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = self\n", configPath: "c")
        #expect(throws: ConfigError.infiniteLoop(sourceProfile: "self", visited: ["self"])) { try loop.credentialSource(for: "self") }
    }

    @Test func credentialSourceEnvironmentAndItsErrors() throws {
        let config = try SharedConfig(configText: """
            [profile env]
            role_arn = arn:aws:iam::1:role/r
            credential_source = Environment
            [profile ec2]
            role_arn = arn:aws:iam::1:role/r
            credential_source = Ec2InstanceMetadata
            [profile both]
            role_arn = arn:aws:iam::1:role/r
            credential_source = Environment
            source_profile = env
            [profile neither]
            role_arn = arn:aws:iam::1:role/r
            [profile dangling]
            role_arn = arn:aws:iam::1:role/r
            source_profile = nowhere
            """, configPath: "c")
        guard case .assumeRole(_, .environment(profile: "env")) = try config.credentialSource(for: "env") else {
            Issue.record("expected the environment as source")
            return
        }
        #expect(throws: ConfigError.unsupportedCredentialSource(source: "Ec2InstanceMetadata", profile: "ec2")) { try config.credentialSource(for: "ec2") }
        #expect(throws: ConfigError.bothSourceProfileAndCredentialSource(profile: "both")) { try config.credentialSource(for: "both") }
        #expect(throws: ConfigError.missingSource(profile: "neither")) { try config.credentialSource(for: "neither") }
        #expect(throws: ConfigError.sourceProfileNotFound(sourceProfile: "nowhere", profile: "dangling")) { try config.credentialSource(for: "dangling") }
        #expect(ConfigError.sourceProfileNotFound(sourceProfile: "nowhere", profile: "dangling").description
            == "The source_profile \"nowhere\" referenced in the profile \"dangling\" does not exist.")
    }

    @Test func credentialProcessAndPartialKeys() throws {
        let config = try SharedConfig(configText: """
            [profile proc]
            credential_process = /usr/bin/get-creds --json
            [profile half]
            aws_access_key_id = AKIAHALF
            [profile bad-duration]
            role_arn = arn:aws:iam::1:role/r
            source_profile = proc
            duration_seconds = an hour
            """, configPath: "c")
        #expect(try config.credentialSource(for: "proc") == .process(command: "/usr/bin/get-creds --json", profile: "proc"))
        #expect(throws: ConfigError.partialCredentials(profile: "half", missing: "aws_secret_access_key")) { try config.credentialSource(for: "half") }
        #expect(throws: ConfigError.invalidValue(profile: "bad-duration", key: "duration_seconds", value: "an hour", expected: "a whole number of seconds")) {
            try config.credentialSource(for: "bad-duration")
        }
    }

    @Test func loadsTheFilesNamedByTheEnvironment() throws {
        // setup
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configPath = folder.appendingPathComponent("cfg").path
        let credentialsPath = folder.appendingPathComponent("creds").path
        try "[profile dev]\nregion = ap-south-1\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        try "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n".write(toFile: credentialsPath, atomically: true, encoding: .utf8)
        // act
        let config = try SharedConfig.load(environment: [
            "AWS_CONFIG_FILE": configPath, "AWS_SHARED_CREDENTIALS_FILE": credentialsPath, "HOME": folder.path,
        ])
        // check
        #expect(config.profiles["dev"]?.region == "ap-south-1")
        // `$NAME`, `${NAME}` and `~` in the paths, as botocore expands them.
        let expanded = try SharedConfig.load(environment: [
            "AWS_CONFIG_FILE": "~/cfg", "AWS_SHARED_CREDENTIALS_FILE": "${WHERE}/creds", "WHERE": folder.path, "HOME": folder.path,
        ])
        #expect(expanded.profiles["dev"]?["aws_access_key_id"] == "AKIADEV" && expanded.profiles["dev"]?.region == "ap-south-1")
        #expect(try SharedConfig.load(environment: ["AWS_CONFIG_FILE": "$WHERE/cfg", "WHERE": folder.path, "HOME": "/nowhere"]).configPath == configPath)
        #expect(config.profiles["dev"]?["aws_access_key_id"] == "AKIADEV")
        #expect(SharedConfig.selectedProfileName(explicit: nil, environment: ["AWS_PROFILE": "dev"]) == "dev")
        #expect(SharedConfig.selectedProfileName(explicit: "ops", environment: ["AWS_PROFILE": "dev"]) == "ops")
        #expect(SharedConfig.selectedProfileName(explicit: nil, environment: [:]) == "default")
        // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE.
        #expect(SharedConfig.selectedProfileName(explicit: nil, environment: ["AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "ops"]) == "ops")
    }

    /// botocore's providers in order: keys in the credentials file, then `credential_process`, then keys in the
    /// config file.
    @Test func credentialProcessComesBetweenTheTwoFilesKeys() throws {
        let config = try SharedConfig(configText: """
            [profile both-in-config]
            aws_access_key_id = AKIACONFIG
            aws_secret_access_key = s
            credential_process = fetch-keys

            [profile keys-in-credentials]
            credential_process = fetch-keys
            """, configPath: "config", credentialsText: """
            [keys-in-credentials]
            aws_access_key_id = AKIACREDENTIALS
            aws_secret_access_key = s
            """, credentialsPath: "credentials")
        #expect(try config.credentialSource(for: "both-in-config") == .process(command: "fetch-keys", profile: "both-in-config"))
        guard case let .staticKeys(keys, _) = try config.credentialSource(for: "keys-in-credentials") else {
            Issue.record("the credentials file's keys win")
            return
        }
        #expect(keys.accessKeyID == "AKIACREDENTIALS")
    }

    @Test func aBadLineInARealFileNamesThatFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configPath = folder.appendingPathComponent("config").path
        try "[default]\nregion = us-east-1\noops\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        do {
            _ = try SharedConfig.load(environment: ["AWS_CONFIG_FILE": configPath, "HOME": folder.path])
            Issue.record("expected a parse error")
        } catch {
            #expect(error.description == "Unable to parse config file: \(configPath), line 3: expected 'key = value' or a [section] header, found a line of 4 characters (not shown: it may be a secret)")
        }
    }

    /// botocore's order: AssumeRole for `role_arn` without a token file, then web identity (its variables before the
    /// profile's settings), Identity Center, keys; a `default` written nowhere is empty.
    @Test func webIdentityAndIdentityCenterProfilesResolveInBotocoresOrder() throws {
        let config = try SharedConfig(configText: """
            [profile ci]
            role_arn = arn:aws:iam::111111111111:role/ci
            web_identity_token_file = /run/token

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1

            [profile sso]
            sso_session = corp
            sso_account_id = 111111111111
            sso_role_name = Admin
            aws_access_key_id = AKIAEXAMPLE000000009
            aws_secret_access_key = secret

            [profile legacy]
            sso_start_url = https://old.awsapps.com/start
            sso_region = us-east-2
            sso_account_id = 222222222222
            sso_role_name = ReadOnly

            [profile chain]
            role_arn = arn:aws:iam::111111111111:role/next
            source_profile = sso

            [profile disagree]
            sso_session = corp
            sso_region = us-east-1
            sso_account_id = 1
            sso_role_name = Admin

            [profile no-session]
            sso_session = elsewhere
            sso_account_id = 1
            sso_role_name = Admin

            [profile half]
            sso_account_id = 1

            [profile plain]
            region = us-east-1
            """, configPath: "config")
        #expect(try config.credentialSource(for: "ci") == .webIdentity(
            WebIdentitySettings(profile: "ci", roleARN: "arn:aws:iam::111111111111:role/ci", tokenFile: "/run/token")))
        let variables = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_SESSION_NAME": "job-7"]
        #expect(try config.credentialSource(for: "ci", environment: variables) == .webIdentity(
            WebIdentitySettings(profile: "ci", roleARN: "arn:aws:iam::111111111111:role/ci", tokenFile: "/var/run/token", roleSessionName: "job-7")))
        #expect(throws: ConfigError.webIdentityWithoutRole(profile: "plain")) { try config.credentialSource(for: "plain", environment: variables) }
        #expect(throws: ConfigError.unableToLocateCredentials) { try config.credentialSource(for: "default") }
        #expect(try config.credentialSource(for: "default", environment: variables.merging(["AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]) { $1 })
            == .webIdentity(WebIdentitySettings(profile: "default", roleARN: "arn:aws:iam::1:role/r", tokenFile: "/var/run/token", roleSessionName: "job-7")))

        let sso = SingleSignOnSettings(profile: "sso", startURL: "https://corp.awsapps.com/start", region: "eu-west-1",
                                       accountID: "111111111111", roleName: "Admin", sessionName: "corp")
        #expect(try config.credentialSource(for: "sso") == .singleSignOn(sso))
        #expect(try config.credentialSource(for: "legacy") == .singleSignOn(SingleSignOnSettings(
            profile: "legacy", startURL: "https://old.awsapps.com/start", region: "us-east-2", accountID: "222222222222", roleName: "ReadOnly")))
        guard case let .assumeRole(settings, .singleSignOn(source)) = try config.credentialSource(for: "chain") else {
            Issue.record("chain does not assume its role from the SSO profile")
            return
        }
        #expect(settings.roleARN == "arn:aws:iam::111111111111:role/next" && source == sso)
        #expect(throws: ConfigError.ssoSettingsDisagree(key: "sso_region", profileValue: "us-east-1", sessionValue: "eu-west-1")) {
            try config.credentialSource(for: "disagree")
        }
        #expect(throws: ConfigError.ssoSessionNotFound("elsewhere")) { try config.credentialSource(for: "no-session") }
        #expect(throws: ConfigError.ssoSettingsMissing(profile: "half", missing: ["sso_role_name", "sso_start_url", "sso_region"])) {
            try config.credentialSource(for: "half")
        }
    }
}
