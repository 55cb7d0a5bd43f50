import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// The real AWS CLI beside airlock, on the same files and the same test STS.
@Suite struct AWSCLIInteropTests {
    @Test func theAWSCLIConsumesCredentialProcessOutput() async throws {
        try await withCLIWorld { world in
            // Warm airlock's (and the AWS CLI's) cache, so the credential_process needs no code.
            _ = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code", await world.code()])
            let result = try await world.aws(["sts", "get-caller-identity", "--profile", "via-airlock"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\"Arn\": \"arn:aws:sts::\(CLIWorld.account):assumed-role/cli-role/"))
        }
    }

    @Test func aSessionTheAWSCLIObtainedServesAirlock() async throws {
        try await withCLIWorld { world in
            // The AWS CLI asks for the code on the terminal, as the reference shows.
            let terminal = try await world.terminal("aws sts get-caller-identity --profile role-with-mfa")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for \(CLIWorld.serial): ")
            try await terminal.send(await world.code())
            let (status, screen) = try await terminal.waitForExit(seconds: 60)
            #expect(status == 0, "\(screen)")
            #expect(world.cacheFiles.count == 1)
            // No terminal, no code: airlock must take the AWS CLI's cached session.
            let ours = try await world.run(["whoami", "--profile", "role-with-mfa"])
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout.contains("assumed-role/cli-role/"))
            #expect(await world.sts.engine.received.filter { $0.action == "AssumeRole" }.count == 1)
        }
    }

    @Test func theAWSCLIFailsAsTheReferenceShowsForARoleWithoutMFA() async throws {
        try await withCLIWorld { world in
            let theirs = try await world.aws(["sts", "get-caller-identity", "--profile", "role-without-mfa"])
            let ours = try await world.run(["whoami", "--profile", "role-without-mfa"])
            #expect(theirs.stderr.contains("An error occurred (AccessDenied) when calling the AssumeRole operation: Access denied"))
            #expect(ours.stderr == "An error occurred (AccessDenied) when calling the AssumeRole operation: Access denied\n")
            #expect(theirs.status != 0 && ours.status != 0)
        }
    }
}
