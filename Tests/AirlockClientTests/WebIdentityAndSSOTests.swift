import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// Web identity and IAM Identity Center profiles, side by side with the AWS CLI (botocore is the reference): the same
/// files, the same test STS (with the portal and the OIDC service), the same answers, each reading what the other cached.
@Suite struct WebIdentityAndSSOTests {
    @Test func aWebIdentityProfileGivesWhatTheAWSCLIGivesAndTheyShareTheSession() async throws {
        try await withCLIWorld { world in
            try CLIWorld.ciToken.write(to: world.home.appendingPathComponent("ci-token"), atomically: true, encoding: .utf8)
            let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", "ci"])
            #expect(theirs.status == 0, "\(theirs.stderr)")
            #expect(theirs.stdout.contains("assumed-role/ci-deploy/ci-run"), "\(theirs.stdout)")
            // The AWS CLI cached the session under botocore's key: airlock takes it without calling STS.
            let ours = try await world.run(["whoami", "--profile", "ci"])
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout == theirs.stdout)
            #expect(await world.sts.engine.received.filter { $0.action == "AssumeRoleWithWebIdentity" }.count == 1)
            // A role chained from it: airlock first, the AWS CLI from airlock's cache.
            let chainedOurs = try await world.run(["whoami", "--profile", "from-ci"])
            let chainedTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "from-ci"])
            #expect(chainedOurs.status == 0, "\(chainedOurs.stderr)")
            #expect(chainedOurs.stdout.contains("assumed-role/open-role/from-ci"), "\(chainedOurs.stdout)")
            #expect(chainedOurs.stdout == chainedTheirs.stdout, "\(chainedTheirs.stderr)")
            #expect(await world.sts.engine.received.filter { $0.action == "AssumeRole" }.count == 1)
        }
    }

    /// A CI job's set-up: no config file, the role and token file in the environment. `--profile` turns the variables
    /// off; `AWS_PROFILE` does not (botocore's rule).
    @Test func theEnvironmentAloneAssumesARoleWithWebIdentityAsInCI() async throws {
        try await withCLIWorld { world in
            let tokenFile = world.home.appendingPathComponent("ci-token")
            try CLIWorld.ciToken.write(to: tokenFile, atomically: true, encoding: .utf8)
            let ci = ["AWS_ROLE_ARN": "arn:aws:iam::\(CLIWorld.account):role/ci-deploy", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                      "AWS_ROLE_SESSION_NAME": "gha-1234", "AWS_CONFIG_FILE": world.home.appendingPathComponent("none").path,
                      "AWS_SHARED_CREDENTIALS_FILE": world.home.appendingPathComponent("none").path, "AWS_DEFAULT_REGION": "us-west-2"]
            let ours = try await world.run(["whoami", "--no-cache"], extraEnvironment: ci)
            let theirs = try await world.aws(["sts", "get-caller-identity"], extraEnvironment: ci)
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout.contains("assumed-role/ci-deploy/gha-1234"), "\(ours.stdout)")
            #expect(ours.stdout == theirs.stdout, "\(theirs.stderr)")

            var withFiles = ci
            withFiles["AWS_CONFIG_FILE"] = nil
            withFiles["AWS_SHARED_CREDENTIALS_FILE"] = nil
            for (arguments, expected) in [(["--profile", "cli-user"], ":user/anika"), ([], "assumed-role/ci-deploy/gha-1234")] {
                var environment = withFiles
                if arguments.isEmpty { environment["AWS_PROFILE"] = "cli-user" }
                let ours = try await world.run(["whoami", "--no-cache"] + arguments, extraEnvironment: environment)
                let theirs = try await world.aws(["sts", "get-caller-identity"] + arguments, extraEnvironment: environment)
                #expect(ours.stdout.contains(expected), "\(arguments): \(ours.stdout)\(ours.stderr)")
                #expect(ours.stdout == theirs.stdout, "\(arguments): \(theirs.stderr)")
            }

            // A token file that is not there: the error names it and the setting.
            var missing = ci
            missing["AWS_WEB_IDENTITY_TOKEN_FILE"] = world.home.appendingPathComponent("no-token").path
            let failed = try await world.run(["whoami", "--no-cache"], extraEnvironment: missing)
            #expect(failed.status == 255)
            #expect(failed.stderr.contains("Cannot read the web identity token file \(world.home.path)/no-token: no such file or directory"),
                    "\(failed.stderr)")
            // A token STS does not accept: AWS's own error.
            try "not-a-token".write(to: tokenFile, atomically: true, encoding: .utf8)
            let refused = try await world.run(["whoami", "--no-cache"], extraEnvironment: ci)
            #expect(refused.stderr.contains("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation"),
                    "\(refused.stderr)")
        }
    }

    @Test func anIdentityCenterProfileReadsTheTokenAWSSSOLoginLeft() async throws {
        try await withCLIWorld { world in
            _ = try world.writeSSOToken()
            for profile in ["sso-admin", "from-sso"] {
                let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", profile])
                let ours = try await world.run(["whoami", "--profile", profile])
                #expect(theirs.status == 0, "\(profile): \(theirs.stderr)")
                #expect(ours.status == 0, "\(profile): \(ours.stderr)")
                #expect(ours.stdout == theirs.stdout, "\(profile)")
            }
            let admin = try await world.run(["whoami", "--profile", "sso-admin"])
            #expect(admin.stdout.contains("assumed-role/AdministratorAccess/anika"), "\(admin.stdout)")
            // airlock cached the role credentials under botocore's SSO key, as the AWS CLI v2 does: no second portal call.
            let portalCalls = await world.sts.engine.received.filter { $0.action == "GetRoleCredentials" }.count
            let key = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", """
                from botocore.credentials import SSOCredentialFetcher
                f = SSOCredentialFetcher('\(CLIWorld.startURL)', 'eu-central-1', 'AdministratorAccess', '\(CLIWorld.account)', None, sso_session_name='company')
                print(f._create_cache_key())
                """], environment: world.environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(world.cacheFiles.contains(key + ".json"), "\(world.cacheFiles) lacks \(key)")
            let cached = try String(contentsOf: world.home.appendingPathComponent(".aws/cli/cache/\(key).json"), encoding: .utf8)
            #expect(cached.contains("\"ProviderType\":\"sso\""), "\(cached)")
            _ = try await world.run(["whoami", "--profile", "sso-admin"])
            #expect(await world.sts.engine.received.filter { $0.action == "GetRoleCredentials" }.count == portalCalls)

            // The legacy form finds its token under the start URL.
            _ = try world.writeSSOToken(legacy: true, refreshToken: nil)
            let legacyTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-legacy"])
            let legacyOurs = try await world.run(["whoami", "--no-cache", "--profile", "sso-legacy"])
            #expect(legacyOurs.status == 0, "\(legacyOurs.stderr)")
            #expect(legacyOurs.stdout == legacyTheirs.stdout, "\(legacyTheirs.stderr)")
        }
    }

    /// An `sso_session` token with less than 15 minutes left is renewed with its refresh token, and the cache file
    /// rewritten: each tool reads the other's renewal.
    @Test func aTokenAboutToExpireIsRenewedAndEachToolReadsTheOthersRenewal() async throws {
        try await withCLIWorld { world in
            let file = try world.writeSSOToken(expiresIn: 5 * 60)
            func token() throws -> [String: String] {
                try JSONDecoder().decode([String: String].self, from: Data(contentsOf: file))
            }
            func renewals() async -> Int { await world.sts.engine.received.filter { $0.action == "CreateToken" && $0.errorCode == nil }.count }

            let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-admin"])
            #expect(theirs.status == 0, "\(theirs.stderr)")
            #expect(await renewals() == 1)
            #expect(try token()["accessToken"] != CLIWorld.ssoAccessToken)
            let ours = try await world.run(["whoami", "--no-cache", "--profile", "sso-admin"])
            #expect(ours.stdout == theirs.stdout, "\(ours.stderr)")
            #expect(await renewals() == 1, "airlock used the AWS CLI's renewed token")

            // Now airlock renews (with the refresh token the AWS CLI saved) and the AWS CLI reads airlock's file.
            var fields = try token()
            fields["expiresAt"] = ISO8601Timestamp.format(Date().addingTimeInterval(5 * 60))
            try JSONEncoder().encode(fields).write(to: file)
            let renewed = try await world.run(["whoami", "--no-cache", "--profile", "sso-admin"])
            #expect(renewed.status == 0, "\(renewed.stderr)")
            #expect(await renewals() == 2)
            let after = try token()
            #expect(after["accessToken"] != fields["accessToken"] && after["refreshToken"] != fields["refreshToken"])
            #expect(after["clientSecret"] == "client-secret-anika" && after["startUrl"] == CLIWorld.startURL)
            #expect(after["expiresAt"].flatMap(ISO8601Timestamp.parse).map { $0.timeIntervalSinceNow > 50 * 60 } == true, "\(after)")
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
            let again = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-admin"])
            #expect(again.stdout == theirs.stdout, "\(again.stderr)")
            #expect(await renewals() == 2)
        }
    }

    @Test func aMissingOrExpiredSignInAndABadProfileSayWhatToDoAsTheAWSCLIDoes() async throws {
        try await withCLIWorld { world in
            let missing = try await world.run(["whoami", "--profile", "sso-admin"])
            let missingTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-admin"])
            #expect(missing.status == 255)
            #expect(missing.stderr == "Error loading SSO Token: Token for company does not exist. Sign in with: aws sso login --profile sso-admin\n")
            #expect(missingTheirs.stderr.contains("Token for company does not exist"), "\(missingTheirs.stderr)")

            _ = try world.writeSSOToken(expiresIn: -60, legacy: true, refreshToken: nil)
            let expired = try await world.run(["whoami", "--profile", "sso-legacy"])
            let expiredTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-legacy"])
            let expiredLine = "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile"
            #expect(expired.stderr.hasPrefix(expiredLine), "\(expired.stderr)")
            #expect(expiredTheirs.stderr.contains(expiredLine), "\(expiredTheirs.stderr)")

            _ = try world.writeSSOToken()
            let unassigned = try await world.run(["whoami", "--profile", "sso-unassigned"])
            let unassignedTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-unassigned"])
            let forbidden = "An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: No access"
            #expect(unassigned.stderr == forbidden + "\n", "\(unassigned.stderr)")
            #expect(unassignedTheirs.stderr.contains(forbidden), "\(unassignedTheirs.stderr)")

            let half = try await world.run(["whoami", "--profile", "sso-half"])
            let halfTheirs = try await world.aws(["sts", "get-caller-identity", "--profile", "sso-half"])
            let incomplete = "The profile \"sso-half\" is configured to use SSO but is missing required configuration: sso_account_id"
            #expect(half.stderr == incomplete + "\n", "\(half.stderr)")
            #expect(halfTheirs.stderr.contains(incomplete), "\(halfTheirs.stderr)")
        }
    }
}
