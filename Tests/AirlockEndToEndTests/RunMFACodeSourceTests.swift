import AirlockTesting
import Foundation
import Testing

/// `airlock run apply` without a terminal (CI): the MFA code from a command (`--mfa-process`, here the project's
/// own `airlock totp` standing in for a YubiKey's `ykman oath accounts code`) or from standard input; what is
/// approved (the plan's summary and hash) printed before.
@Suite struct RunMFACodeSourceTests {
    @Test func theCodeComesFromACommandOrFromStandardInput() async throws {
        try await MFARunTests.withMFAWorld { world, setup in
            let first = try await MFARunTests.plannedUnderAppliesOnly(world, setup)
            var environment = world.fixture.environment
            environment["AIRLOCK_SERVER"] = world.base
            environment["AIRLOCK_TOKEN"] = world.tokens["mario"] ?? ""
            environment["AIRLOCK_TOTP_SECRET"] = MFARunTests.anika.mfaSecret
            let noTerminal = try await CommandRunner.run(AirlockBinary.path, ["run", "apply", "--env", "acme/prod", "--run", first],
                                                         environment: environment)
            #expect(noTerminal.status != 0)
            #expect(noTerminal.stderr.contains("Pass it with --mfa-code, --mfa-code-stdin, or --mfa-process"), "\(noTerminal.stderr)")
            let fromProcess = try await CommandRunner.run(AirlockBinary.path, ["run", "apply", "--env", "acme/prod", "--run", first,
                                                                                   "--mfa-process", "\(AirlockBinary.path) totp"],
                                                          environment: environment)
            #expect(fromProcess.status == 0, "\(fromProcess.stdout)\(fromProcess.stderr)")
            #expect(fromProcess.stdout.contains("Authenticated with MFA by mario") && fromProcess.stdout.contains("Apply complete!"))
            // What is approved comes first: the plan's summary and its hash, as the run page shows them.
            let hash = try #require(try await world.run(first)["planSha256"] as? String)
            #expect(fromProcess.stdout.hasPrefix("""
                Plan: 1 to add, 0 to change, 0 to destroy.
                  + create  terraform_data.x
                Saved plan sha256 \(hash), queued by olivia. Approving approves exactly this plan.
                """), "\(fromProcess.stdout)")

            #expect(try await world.upload(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"2\"\n}\n"]).status == 201)
            let second = try await world.queue()
            try await world.expect(second, reaches: "planned")
            await setup.sts.engine.advanceClock(by: 30)  // the next code; the first is used
            let code = try #require(await setup.sts.engine.currentCode(forUser: MFARunTests.anika.name))
            let fromStdin = try await CommandRunner.run(AirlockBinary.path, ["run", "apply", "--env", "acme/prod", "--run", second, "--mfa-code-stdin"],
                                                        environment: environment, stdin: code + "\n")
            #expect(fromStdin.status == 0, "\(fromStdin.stdout)\(fromStdin.stderr)")
        }
    }
}
