import AirlockTesting
import Foundation
import Testing

/// The MFA prompt in a real terminal (tmux): the reference's prompt text, no echo, and every failure the
/// AWS CLI would show, with its exact line.
@Suite struct MFAPromptTerminalTests {
    @Test func thePromptIsTheAWSCLIsAndTheCodeIsNeverShown() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile role-with-mfa")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for \(CLIWorld.serial): ")
            let code = await world.code()
            try await terminal.send(code)
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 0, "\(screen)")
            #expect(!screen.contains(code))
            #expect(screen.contains("\"Arn\": \"arn:aws:sts::\(CLIWorld.account):assumed-role/cli-role/airlock-session-"))
            #expect(world.cacheFiles.count == 2, "the role's session and the MFA session it was assumed from")
        }
    }

    /// The review's finding: two airlocks asking at once (Terraform configuring several providers through
    /// `credential_process`, `make -j`) split the keystrokes between two prompts, echoed the second code and left the
    /// terminal without echo. One asks; the other waits for it, then takes the session it made from the cache.
    @Test func twoAtOnceAskOnceAndShareTheSession() async throws {
        try await withCLIWorld { world in
            let (first, second) = (world.home.appendingPathComponent("first.out"), world.home.appendingPathComponent("second.out"))
            let export = "\(world.airlock) export --profile role-with-mfa"
            let terminal = try await world.terminal(
                "\(export) > \(first.path) & \(export) > \(second.path); wait; stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for \(CLIWorld.serial): ")
            try await terminal.waitFor("Waiting for another airlock that is making the session of profile role-with-mfa")
            let code = await world.code()
            try await terminal.send(code)
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 0, "\(screen)")
            #expect(screen.components(separatedBy: "Enter MFA code for").count == 2, "one prompt: \(screen)")
            #expect(!screen.contains(code))
            #expect(screen.split(separator: "\n").contains("echo"), "the terminal echoes again: \(screen)")
            let keys = try [first, second].map { try String(contentsOf: $0, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("export AWS_ACCESS_KEY_ID=") } }
            #expect(keys[0] != nil && keys[0] == keys[1], "one session for both: \(keys)")
            #expect(await world.sts.engine.received.filter { $0.action == "AssumeRole" }.count == 1)
        }
    }

    /// The review's finding: SIGTERM or SIGHUP while the prompt held the terminal raw left it without echo when the
    /// parent was not a shell that repairs it (here: `sh -c`, which does not).
    @Test func aPromptEndedBySIGTERMGivesTheTerminalBack() async throws {
        try await withCLIWorld { world in
            let pidFile = world.home.appendingPathComponent("airlock.pid")
            let terminal = try await world.terminal(
                "sh -c 'echo $$ > \(pidFile.path); exec \(world.airlock) whoami --profile role-with-mfa'; stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for \(CLIWorld.serial): ")
            let pid = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, SIGTERM) == 0)
            let (_, screen) = try await terminal.waitForExit()
            #expect(screen.split(separator: "\n").contains("echo"), "the terminal echoes again: \(screen)")
        }
    }

    @Test func aWrongCodeFailsWithSTSsMessageAndCachesNothing() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile role-with-mfa")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for")
            try await terminal.send(await world.wrongCode())
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 255)
            #expect(screen.contains("An error occurred (AccessDenied) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code."))
            #expect(world.cacheFiles.isEmpty)
        }
    }

    @Test func aCodeThatIsNotSixDigitsIsAskedAgainBeforeCallingSTS() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile role-with-mfa")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for")
            try await terminal.send("12ab")
            try await terminal.waitFor("The MFA code must be 6 digits.")
            #expect(await world.sts.engine.received.isEmpty)
            try await terminal.send(await world.code())
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 0, "\(screen)")
            #expect(!screen.contains("12ab"))
        }
    }

    /// The code is read when the prompt shows, not before: under load a terminal and airlock can take longer to start
    /// than a code lives (CI #5 of 2026-12-06 failed so).
    @Test func aCodeWorksOnlyOnce() async throws {
        try await withCLIWorld { world in
            let first = try await world.terminal("\(world.airlock) whoami --no-cache --profile role-with-mfa")
            try await first.waitFor("Enter MFA code for")
            let code = await world.code()
            try await first.send(code)
            let (firstStatus, firstScreen) = try await first.waitForExit()
            #expect(firstStatus == 0, "\(firstScreen)")
            await first.stop()
            let second = try await world.terminal("\(world.airlock) whoami --no-cache --profile role-with-mfa")
            defer { Task { await second.stop() } }
            try await second.waitFor("Enter MFA code for")
            try await second.send(code)
            let (status, screen) = try await second.waitForExit()
            #expect(status == 255)
            // Without the cache there is no MFA session to share: the code goes with AssumeRole, as the AWS CLI sends it.
            #expect(screen.contains("An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code."))
        }
    }

    @Test func aRoleWithoutMFAFailsWithTheReferenceLine() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile role-without-mfa")
            defer { Task { await terminal.stop() } }
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 255)
            #expect(screen.contains("An error occurred (AccessDenied) when calling the AssumeRole operation: Access denied"))
            #expect(!screen.contains("Enter MFA code"))
        }
    }

    @Test func aChainAsksOnceForTheLinkWithMFA() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile chained")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for \(CLIWorld.serial): ")
            try await terminal.send(await world.code())
            let (status, screen) = try await terminal.waitForExit()
            #expect(status == 0, "\(screen)")
            #expect(screen.contains("assumed-role/open-role/"))
            #expect(screen.components(separatedBy: "Enter MFA code").count == 2)
            #expect(world.cacheFiles.count == 3, "both roles' sessions and the MFA session of the first")
        }
    }

    @Test func configurationErrorsReadAsBotocoresAndNameTheLine() async throws {
        try await withCLIWorld { world in
            let loop = try await world.terminal("\(world.airlock) whoami --profile loop-a")
            let (loopStatus, loopScreen) = try await loop.waitForExit()
            await loop.stop()
            #expect(loopStatus == 255)
            #expect(loopScreen.contains("Infinite loop in credential configuration detected. Attempting to load from profile loop-a which has already been visited. Visited profiles: ['loop-a', 'loop-b']"))

            let missing = try await world.terminal("\(world.airlock) whoami --profile nope")
            let (missingStatus, missingScreen) = try await missing.waitForExit()
            await missing.stop()
            #expect(missingStatus == 255)
            #expect(missingScreen.contains("The config profile (nope) could not be found"))

            let config = world.home.appendingPathComponent(".aws/config")
            let badLine = try String(contentsOf: config, encoding: .utf8).filter { $0 == "\n" }.count + 2
            let handle = try FileHandle(forWritingTo: config)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("[profile broken]\nthis line has no equals sign\n".utf8))
            try handle.close()
            let broken = try await world.terminal("\(world.airlock) whoami --profile anika")
            let (brokenStatus, brokenScreen) = try await broken.waitForExit()
            await broken.stop()
            #expect(brokenStatus == 255)
            #expect(brokenScreen.contains("Unable to parse config file: \(config.path), line \(badLine):"), "\(brokenScreen)")
        }
    }

    @Test func ctrlCAtThePromptEndsWithoutCallingSTS() async throws {
        try await withCLIWorld { world in
            let terminal = try await world.terminal("\(world.airlock) whoami --profile role-with-mfa")
            defer { Task { await terminal.stop() } }
            try await terminal.waitFor("Enter MFA code for")
            try await terminal.press("C-c")
            let (status, _) = try await terminal.waitForExit()
            #expect(status == 130)
            #expect(await world.sts.engine.received.isEmpty)
        }
    }
}
