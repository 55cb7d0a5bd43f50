import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// One MFA code for many roles and for long commands (#29): role profiles on the same source profile and MFA device
/// share one MFA session (GetSessionToken with the code, cached), the AWS CLI reads each role's session from the cache
/// airlock wrote, `airlock exec --server` keeps a command working across a role session's end, and a region with an
/// inline comment is checked only where a region is needed.
@Suite struct MFASessionTests {
    @Test func twoRolesOnOneDeviceNeedOneCodeAndTheAWSCLIReadsBothFromTheCache() async throws {
        try await withCLIWorld { world in
            let first = try await world.run(["export", "--profile", "role-with-mfa", "--mfa-code", await world.code()])
            #expect(first.status == 0, "\(first.stderr)")
            // No code and no terminal: a second prompt would fail here.
            let second = try await world.run(["export", "--profile", "open-with-mfa"])
            #expect(second.status == 0, "the second role needs no code: \(second.stderr)")
            let received = await world.sts.engine.received
            #expect(received.filter(\.carriedTokenCode).map(\.action) == ["GetSessionToken"], "one code, for the MFA session")
            let roles = received.filter { $0.action == "AssumeRole" }
            #expect(roles.count == 2 && roles.allSatisfy { $0.serialNumber == nil && $0.errorCode == nil },
                    "each role assumed with the MFA session, which carries MFA (cli-role's trust demands it)")
            #expect(roles.allSatisfy { $0.accessKeyID?.hasPrefix("ASIA") == true }, "signed by the session, never the long-term key")

            for (profile, role) in [("role-with-mfa", "cli-role"), ("open-with-mfa", "open-role")] {
                let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", profile, "--query", "Arn", "--output", "text"])
                #expect(theirs.status == 0, "the AWS CLI read \(profile)'s session from the cache, without a prompt: \(theirs.stderr)")
                #expect(theirs.stdout.contains("assumed-role/\(role)/"), "\(theirs.stdout)")
            }
            #expect(await world.sts.engine.received.filter { $0.action == "AssumeRole" }.count == 2)
        }
    }

    @Test func aCommandUnderExecServerKeepsWorkingAcrossTheRoleSessionsEnd() async throws {
        try await withCLIWorld { world in
            await world.sts.engine.limitRoleSessions(to: 20)
            let script = """
                for i in 1 2; do echo "CALL $i $(aws sts get-caller-identity --query Arn --output text 2>&1)"; [ $i = 1 ] && sleep 25; done
                echo "KEYS ${AWS_ACCESS_KEY_ID:-none} ${AWS_SESSION_TOKEN:-none}"
                echo "URI $AWS_CONTAINER_CREDENTIALS_FULL_URI"
                exit 7
                """
            // Long-term keys in [default], as many people keep them: SDKs would read them before container credentials.
            let credentials = world.home.appendingPathComponent("credentials-with-default")
            try "[default]\naws_access_key_id = \(world.anika.accessKeyID)\naws_secret_access_key = \(world.anika.secretAccessKey)\n\n[cli-user]\naws_access_key_id = \(world.anika.accessKeyID)\naws_secret_access_key = \(world.anika.secretAccessKey)\n"
                .write(to: credentials, atomically: true, encoding: .utf8)
            let result = try await world.run(["exec", "--server", "--profile", "role-with-mfa", "--mfa-code", await world.code(), "--", "sh", "-c", script],
                                             extraEnvironment: ["AWS_ACCESS_KEY_ID": "AKIASHELLKEY", "AWS_SECRET_ACCESS_KEY": "shell-secret",
                                                                "AWS_SHARED_CREDENTIALS_FILE": credentials.path,
                                                                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/stale"])
            #expect(result.status == 7, "the command's exit status: \(result.stderr)")
            let calls = result.stdout.split(separator: "\n").filter { $0.hasPrefix("CALL ") }
            #expect(calls.count == 2 && calls.allSatisfy { $0.contains("assumed-role/cli-role/") },
                    "the served role, never [default]'s keys: \(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("KEYS none none"), "the command holds no keys, not even the shell's: \(result.stdout)")
            #expect(result.stdout.contains("URI http://127.0.0.1:"))
            let received = await world.sts.engine.received
            #expect(received.filter(\.carriedTokenCode).count == 1, "one code, though the first role session ended under the command")
            #expect(received.filter { $0.action == "AssumeRole" && $0.errorCode == nil }.count >= 2)
            #expect(!received.contains { $0.errorCode == "ExpiredToken" })
        }
    }

    @Test func aRegionWithAnInlineCommentIsCheckedOnlyWhereARegionIsNeeded() async throws {
        try await withCLIWorld { world in
            // Keys need no region: the credentials are exported (without the region), as botocore resolves them.
            let keys = try await world.run(["export", "--profile", "keys-with-commented-region"])
            #expect(keys.status == 0, "\(keys.stderr)")
            #expect(keys.stdout.contains("export AWS_ACCESS_KEY_ID='AKIAANIKA00000000001'") && !keys.stdout.contains("AWS_REGION"), "\(keys.stdout)")
            #expect(keys.stderr.contains("the region \"eu-west-1 # note\" is not a region name"))
            // A role needs STS in that region: refused with botocore's message, before any code is spent.
            let message = "Provided region_name 'eu-west-1 # note' doesn't match a supported format."
            let role = try await world.run(["export", "--profile", "role-with-commented-region", "--mfa-code", await world.code()])
            #expect(role.status != 0 && role.stderr.contains(message), "\(role.stderr)")
            let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", "keys-with-commented-region"])
            #expect(theirs.status != 0 && theirs.stderr.contains(message), "the AWS CLI refuses it where it needs it: \(theirs.stderr)")
            let whoami = try await world.run(["whoami", "--profile", "keys-with-commented-region"])
            #expect(whoami.status != 0 && whoami.stderr.contains(message), "\(whoami.stderr)")
            #expect(await world.sts.engine.received.isEmpty, "nothing reached STS")
        }
    }
}
