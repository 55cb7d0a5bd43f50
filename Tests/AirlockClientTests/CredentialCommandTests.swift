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
            #expect(files.count == 2, "the role's session and the MFA session it was assumed from")
            for file in files {
                let attributes = try FileManager.default.attributesOfItem(atPath: world.home.appendingPathComponent(".aws/cli/cache/\(file)").path)
                #expect((attributes[.posixPermissions] as? Int) == 0o600)
            }

            let second = try await world.run(["credential-process", "--profile", "role-with-mfa"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout == first.stdout)
            #expect(await world.sts.engine.received.map(\.action) == ["GetSessionToken", "AssumeRole"], "the second call took the cache")

            let cleared = try await world.run(["cache", "clear", "--profile", "role-with-mfa"])
            #expect(cleared.stdout == "Removed 2 cached sessions.\n")
            #expect(world.cacheFiles.isEmpty)
        }
    }

    @Test func aWrongCodeExitsNonZeroWithTheAWSLineAndCachesNothing() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["credential-process", "--profile", "role-with-mfa", "--mfa-code", await world.wrongCode()])
            #expect(result.status == 255)
            // The code goes to GetSessionToken (the MFA session every role on these keys and this device shares).
            #expect(result.stderr == "An error occurred (AccessDenied) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code. \n")
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
            #expect(names == ["AWS_ACCESS_KEY_ID", "AWS_CREDENTIAL_EXPIRATION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_SSO",
                              "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"])
            #expect(result.stdout.contains("AWS_REGION=us-west-2\n"))
            let expiration = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("AWS_CREDENTIAL_EXPIRATION=") })
            let date = try #require(ISO8601Timestamp.parse(String(expiration.dropFirst("AWS_CREDENTIAL_EXPIRATION=".count))))
            #expect(abs(date.timeIntervalSinceNow - 1800) < 120)
        }
    }

    /// The review's finding: the command started with most signals blocked (the mask of the runtime's thread that
    /// called exec) and SIGPIPE ignored, so Ctrl-C, SIGTERM and SIGHUP never reached it; and it inherited airlock's
    /// event descriptors and secrets. `cat` and `ls` keep what they are given, unlike a shell.
    @Test func execGivesTheCommandDefaultSignalsAndNothingOfAirlocksOwn() async throws {
        try await withCLIWorld { world in
            let secrets = ["AIRLOCK_TOKEN": "airlock_not-for-the-command", "AIRLOCK_TOTP_SECRET": "JBSWY3DPEHPK3PXP"]
            let status = try await world.run(["exec", "--profile", "role-with-mfa", "--mfa-code", await world.code(), "--", "cat", "/proc/self/status"],
                                             extraEnvironment: secrets)
            #expect(status.status == 0, "\(status.stderr)")
            let fields = Dictionary(status.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
            }) { first, _ in first }
            #expect(fields["SigBlk"] == "0000000000000000", "no signal blocked: \(status.stdout)")
            // None ignored but glibc's own signals 32 and 33 (its threads' cancel and set-id), which no program handles.
            let ignored = UInt64(fields["SigIgn"] ?? "", radix: 16).map { $0 & ~UInt64(0x1_8000_0000) }
            #expect(ignored == 0, "none ignored: \(status.stdout)")
            // Under nohup, SIGHUP stays ignored for the command, as exec keeps it; the rest as above.
            let nohup = try await CommandRunner.run("/bin/sh", ["-c", "trap '' HUP; exec \(world.airlock) exec --profile role-with-mfa -- cat /proc/self/status"],
                                                    environment: world.environment)
            let nohupIgnored = nohup.stdout.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
                .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }.map { $0 & ~UInt64(0x1_8000_0000) }
            #expect(nohupIgnored == 1, "only SIGHUP (bit 1) ignored: \(nohup.stdout)\(nohup.stderr)")
            let descriptors = try await world.run(["exec", "--profile", "role-with-mfa", "--", "ls", "-l", "/proc/self/fd"])
            let open = descriptors.stdout.split(separator: "\n").filter { $0.contains(" -> ") }
            #expect(open.count == 4 && !descriptors.stdout.contains("eventpoll"), "0, 1, 2 and ls's own listing: \(descriptors.stdout)")
            let environment = try await world.run(["exec", "--profile", "role-with-mfa", "--", "env"], extraEnvironment: secrets)
            #expect(!environment.stdout.contains("AIRLOCK_TOKEN") && !environment.stdout.contains("AIRLOCK_TOTP_SECRET"), "\(environment.stdout)")
            #expect(environment.stdout.contains("AWS_SESSION_TOKEN="))
        }
    }

    /// The review's finding: a `credential_process` that runs airlock for the same profile started airlocks without end.
    @Test func aCredentialProcessLeadingBackToItselfEnds() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--profile", "loops-through-airlock"])
            #expect(result.status == 255)
            #expect(result.stderr.contains("is run by 5 nested credential commands already: it leads back to itself"), "\(result.stderr)")
        }
    }

    /// A code on the command line shows in `ps` to every user of the machine while the command starts; on standard
    /// input it never does.
    @Test func theCodeComesOnStandardInput() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code-stdin"], stdin: await world.code() + "\n")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("assumed-role/cli-role/"))
            let malformed = try await world.run(["whoami", "--no-cache", "--profile", "role-with-mfa", "--mfa-code-stdin"], stdin: "12ab\n")
            #expect(malformed.status == 64 && malformed.stderr.contains("must be the 6 digits"), "\(malformed.stderr)")
            let both = try await world.run(["whoami", "--profile", "role-with-mfa", "--mfa-code", "123456", "--mfa-code-stdin"], stdin: "123456\n")
            #expect(both.status == 64 && both.stderr.contains("one way"), "\(both.stderr)")
            // Only the code's line is taken: the rest of the input is the command's (a buffered read took it all).
            let rest = try await world.run(["exec", "--no-cache", "--profile", "role-with-mfa", "--mfa-code-stdin", "--", "cat"],
                                           stdin: await world.nextCode() + "\nthe rest of the input\n")
            #expect(rest.status == 0, "\(rest.stderr)")
            #expect(rest.stdout == "the rest of the input\n")
        }
    }

    /// While airlock works (here: runs the source profile's credential_process), its command line in /proc shows
    /// `--mfa-code` but not the code.
    @Test func aCodeOnTheCommandLineIsBlankedWhileAirlockRuns() async throws {
        try await withCLIWorld { world in
            let result = try await world.run(["whoami", "--no-cache", "--profile", "role-from-reader", "--mfa-code", "135790"])
            #expect(result.status == 255, "\(result.stderr)")
            let seen = try String(contentsOf: world.home.appendingPathComponent("parent-cmdline"), encoding: .utf8)
            #expect(seen.contains("--mfa-code") && seen.contains("role-from-reader"), "\(seen)")
            #expect(!seen.contains("135790"), "\(seen)")
        }
    }

    /// The review's finding: `credential_process` and `mfa_process` had no time limit and outlived an airlock told
    /// to stop.
    @Test func aCredentialProcessHasATimeLimitAndEndsWithAirlock() async throws {
        try await withCLIWorld { world in
            let pidFile = world.home.appendingPathComponent("slow.pid")
            let limited = try await world.run(["whoami", "--profile", "slow-process"], extraEnvironment: ["AIRLOCK_CREDENTIAL_PROCESS_TIMEOUT": "1"])
            #expect(limited.status == 255)
            #expect(limited.stderr.contains("did not finish within 1 s and was stopped"), "\(limited.stderr)")
            try FileManager.default.removeItem(at: pidFile)

            let airlock = try RunningProcess(world.airlock, ["whoami", "--profile", "slow-process"], environment: world.environment)
            var deadline = ProgressDeadline(stalledAfter: 120)
            while !FileManager.default.fileExists(atPath: pidFile.path), deadline.keepWaiting(seeing: 0) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let child = try #require(Int32(try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await airlock.stop(signal: SIGTERM) != 0)
            // Gone, or a zombie nobody reaps yet (its parent, airlock, is gone too).
            func running() -> Bool {
                guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) else { return false }
                return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
            }
            var gone = ProgressDeadline(stalledAfter: 60)
            while running(), gone.keepWaiting(seeing: 0) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!running(), "the credential process ended with airlock")

            // Started under nohup (SIGHUP ignored), airlock leaves SIGHUP ignored: only the SIGTERM after it ends it.
            try FileManager.default.removeItem(at: pidFile)
            let nohup = try RunningProcess("/bin/sh", ["-c", "trap '' HUP; exec \(world.airlock) whoami --profile slow-process"],
                                           environment: world.environment)
            deadline = ProgressDeadline(stalledAfter: 120)
            while !FileManager.default.fileExists(atPath: pidFile.path), deadline.keepWaiting(seeing: 0) {
                try await Task.sleep(for: .milliseconds(50))
            }
            nohup.send(SIGHUP)
            try await Task.sleep(for: .seconds(1))
            #expect(await nohup.stop(signal: SIGTERM) == 128 + SIGTERM)
        }
    }

    /// A credential process that leaves a process of its own holding its output open (a daemon it starts) does not
    /// hold airlock: its output is read for two seconds after it ended.
    @Test func aProcessTheCredentialProcessLeftBehindDoesNotHoldAirlock() async throws {
        try await withCLIWorld { world in
            func killDaemon() {
                if let daemon = Int32((try? String(contentsOf: world.home.appendingPathComponent("daemon.pid"), encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
                    kill(daemon, SIGKILL)
                }
            }
            let result = try await world.run(["whoami", "--profile", "leaves-daemon"])
            killDaemon()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains(":user/anika"), "\(result.stdout)")
            // One that keeps writing does not hold it either (its chatter makes the output unusable: an error, not a hang).
            let chatty = try await world.run(["whoami", "--profile", "chatty-daemon"])
            killDaemon()
            #expect(chatty.status == 255 && chatty.stderr.contains("Error when retrieving credentials from custom-process"), "\(chatty.stderr)")
        }
    }

    /// A profile named with --profile or AWS_PROFILE must exist even when keys in the environment would serve (botocore's
    /// ProfileNotFound): a typo never falls back to whatever keys the shell holds.
    @Test func aNamedProfileMustExistEvenWithKeysInTheEnvironment() async throws {
        try await withCLIWorld { world in
            let keys = ["AWS_ACCESS_KEY_ID": world.anika.accessKeyID, "AWS_SECRET_ACCESS_KEY": world.anika.secretAccessKey]
            for (arguments, environment) in [(["--profile", "typo"], keys), ([], keys.merging(["AWS_PROFILE": "typo"]) { $1 })] {
                let ours = try await world.run(["whoami"] + arguments, extraEnvironment: environment)
                let theirs = try await world.aws(["sts", "get-caller-identity"] + arguments, extraEnvironment: environment)
                #expect(ours.status == 255 && ours.stderr == "The config profile (typo) could not be found\n", "\(ours.stderr)")
                #expect(theirs.stderr.contains("The config profile (typo) could not be found"), "\(theirs.stderr)")
            }
            // Not named at all: the keys serve, as for the AWS CLI.
            let unnamed = try await world.run(["whoami"], extraEnvironment: keys)
            #expect(unnamed.stdout.contains(":user/anika"), "\(unnamed.stderr)")
        }
    }

    /// Without a named profile, keys in the environment come first (botocore's environment provider): inside
    /// `airlock exec`, airlock and the AWS CLI both use the session exec gave, and say the same.
    @Test func insideExecBothUseTheSessionExecGave() async throws {
        try await withCLIWorld { world in
            let ours = try await world.run(["exec", "--profile", "role-with-mfa", "--mfa-code", await world.code(), "--", world.airlock, "whoami"])
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout.contains("assumed-role/cli-role/"), "\(ours.stdout)")
            let theirs = try await world.run(["exec", "--profile", "role-with-mfa", "--", "aws", "sts", "get-caller-identity"])
            #expect(theirs.status == 0, "\(theirs.stderr)")
            #expect(ours.stdout == theirs.stdout)
            // A profile named still wins over the environment's keys, as in botocore.
            let named = try await world.run(["exec", "--profile", "role-with-mfa", "--", world.airlock, "whoami", "--profile", "cli-user"])
            #expect(named.stdout.contains(":user/"), "\(named.stdout)\(named.stderr)")
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
            #expect(env.stdout.hasPrefix("unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN\nexport AWS_ACCESS_KEY_ID='ASIA"), "\(env.stdout)")
            #expect(env.stdout.contains("export AWS_REGION='us-west-2'"))
            let fish = try await world.run(["export", "--profile", "role-with-mfa", "--format", "fish"])
            #expect(fish.stdout.contains("\nset -gx AWS_ACCESS_KEY_ID 'ASIA"))
            let powershell = try await world.run(["export", "--profile", "role-with-mfa", "--format", "powershell"])
            #expect(powershell.stdout.contains("\n$env:AWS_ACCESS_KEY_ID = 'ASIA"))
            let json = try await world.run(["export", "--profile", "role-with-mfa", "--format", "json"])
            #expect(json.stdout.hasPrefix("{\n    \"Version\": 1,\n    \"AccessKeyId\": \"ASIA"))
            // A shell takes the env form in and the AWS variables are then usable.
            let shell = try await CommandRunner.run("/bin/sh", ["-c", "eval \"$(\(world.airlock) export --profile role-with-mfa)\"; echo $AWS_REGION"], environment: world.environment)
            #expect(shell.stdout == "us-west-2\n")
            // Keys without a session (a profile of static keys) leave no older session's token behind.
            let stale = try await CommandRunner.run("/bin/sh", ["-c", "eval \"$(\(world.airlock) export --profile cli-user)\"; echo \"[$AWS_SESSION_TOKEN$AWS_CREDENTIAL_EXPIRATION$AWS_PROFILE]\""],
                                                    environment: world.environment.merging(["AWS_SESSION_TOKEN": "old", "AWS_CREDENTIAL_EXPIRATION": "old",
                                                                                            "AWS_PROFILE": "old"]) { $1 })
            #expect(stale.stdout == "[]\n", "\(stale.stdout)\(stale.stderr)")
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
