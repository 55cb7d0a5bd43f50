import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// The credential commands without a terminal, as scripts, CI and `credential_process` run them.
@Suite struct CredentialCommandTests {
    @Test func withoutATerminalOrACodeTheErrorNamesBothWaysOut() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--profile", "role-with-mfa"])
            #expect(result.status == 255)
            #expect(result.stderr.contains("--mfa-code"))
            #expect(result.stderr.contains("mfa_process"))
            #expect(await world.sts.engine.received.isEmpty)
        }
    }

    @Test func aMalformedFlagCodeIsRefusedBeforeSTS() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code", "12345"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--mfa-code must be the 6 digits your MFA device shows."))
            #expect(await world.sts.engine.received.isEmpty)
        }
    }

    @Test func credentialProcessPrintsVersionOneJSONAndTheCacheServesTheNextCall() async throws {
        try await withCLIWorld { world in
            let code = await world.code()
            let first = try await world.run(["credential-process", "--profile", "role-with-mfa", "--mfa-code", code])
            #expect(first.status == 0, "\(first.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            #expect(json["Version"] as? Int == 1)
            #expect((json["AccessKeyId"] as? String)?.hasPrefix("ASIA") == true)
            #expect(json["SecretAccessKey"] is String && json["SessionToken"] is String)
            let expiration = try #require(json["Expiration"] as? String)
            #expect(expiration.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
            #expect(!first.stdout.contains(code) && !first.stderr.contains(code))
            let files = world.cacheFiles
            #expect(files.count == 1)
            let attributes = try FileManager.default.attributesOfItem(atPath: world.home.appendingPathComponent(".aws/cli/cache/\(files[0])").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)

            let second = try await world.run(["credential-process", "--profile", "role-with-mfa"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout == first.stdout)
            #expect(await world.sts.engine.received.count == 1)

            let cleared = try await world.run(["cache", "clear", "--profile", "role-with-mfa"])
            #expect(cleared.stdout == "Removed 1 cached role session.\n")
            #expect(world.cacheFiles.isEmpty)
        }
    }

    @Test func aWrongCodeExitsNonZeroWithTheAWSLineAndCachesNothing() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["credential-process", "--profile", "role-with-mfa", "--mfa-code", await world.wrongCode()])
            #expect(result.status == 255)
            #expect(result.stderr == "An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code. \n")
            #expect(result.stdout.isEmpty)
            #expect(world.cacheFiles.isEmpty)
        }
    }

    @Test func mfaProcessSuppliesTheCode() async throws {
        try await withCLIWorld { world in
            // `mfa_process = airlock totp`, reading the device's seed from AIRLOCK_TOTP_SECRET.
            let result = try await world.run(["whoami", "--profile", "with-mfa-process"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("assumed-role/cli-role/"))
        }
    }

    @Test func execSetsTheVariablesRemovesTheProfileAndPassesTheExitStatusThrough() async throws {
        try await withCLIWorld { world in
            let script = #"env | grep -E '^AWS_' | sort; exit 7"#
            let result = try await world.run(
                ["exec", "--profile", "role-with-mfa", "--mfa-code", await world.code(), "--duration", "30m", "--", "sh", "-c", script],
                extraEnvironment: ["AWS_PROFILE": "role-with-mfa"]
            )
            #expect(result.status == 7, "\(result.stderr)")
            let names = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
            #expect(names == ["AWS_ACCESS_KEY_ID", "AWS_CREDENTIAL_EXPIRATION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_STS",
                              "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"])
            #expect(result.stdout.contains("AWS_REGION=us-west-2\n"))
            let expiration = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("AWS_CREDENTIAL_EXPIRATION=") })
            let date = try #require(ISO8601Timestamp.parse(String(expiration.dropFirst("AWS_CREDENTIAL_EXPIRATION=".count))))
            #expect(abs(date.timeIntervalSinceNow - 1800) < 120)
        }
    }

    @Test func execOfAMissingCommandSaysSo() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["exec", "--profile", "role-with-mfa", "--mfa-code", await world.code(), "--", "no-such-command-here"])
            #expect(result.status == 127)
            #expect(result.stderr == "airlock: no-such-command-here: command not found\n")
        }
    }

    @Test func exportFormats() async throws {
        try await withCLIWorld { world in
            _ = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code", await world.code()])
            let env = try await world.run(["export", "--profile", "role-with-mfa"])
            #expect(env.stdout.hasPrefix("export AWS_ACCESS_KEY_ID='ASIA"))
            #expect(env.stdout.contains("export AWS_REGION='us-west-2'"))
            let fish = try await world.run(["export", "--profile", "role-with-mfa", "--format", "fish"])
            #expect(fish.stdout.hasPrefix("set -gx AWS_ACCESS_KEY_ID 'ASIA"))
            let powershell = try await world.run(["export", "--profile", "role-with-mfa", "--format", "powershell"])
            #expect(powershell.stdout.hasPrefix("$env:AWS_ACCESS_KEY_ID = 'ASIA"))
            let json = try await world.run(["export", "--profile", "role-with-mfa", "--format", "json"])
            #expect(json.stdout.hasPrefix("{\n    \"Version\": 1,\n    \"AccessKeyId\": \"ASIA"))
            // A shell takes the env form in and the AWS variables are then usable.
            let shell = try await CommandRunner.run("/bin/sh", ["-c", "eval \"$(\(world.airlock) export --profile role-with-mfa)\"; echo $AWS_REGION"], environment: world.environment)
            #expect(shell.stdout == "us-west-2\n")
        }
    }

    @Test func credentialSourceEnvironmentUsesTheVariables() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--profile", "from-environment"], extraEnvironment: [
                "AWS_ACCESS_KEY_ID": world.anika.accessKeyID, "AWS_SECRET_ACCESS_KEY": world.anika.secretAccessKey,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("assumed-role/open-role/"))
            let missing = try await world.run(["whoami", "--no-cache", "--profile", "from-environment"])
            #expect(missing.status == 255)
            #expect(missing.stderr.contains("No credentials found in credential_source referenced in profile from-environment"))
        }
    }

    @Test func whoamiPrintsWhatTheAWSCLIPrints() async throws {
        try await withCLIWorld { world in
            let code = await world.code()
            let ours = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code", code])
            #expect(ours.status == 0, "\(ours.stderr)")
            // The AWS CLI reads the session airlock cached, so it needs no code of its own.
            let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", "role-with-mfa"])
            #expect(theirs.status == 0, "\(theirs.stderr)")
            #expect(ours.stdout == theirs.stdout)
        }
    }
}
