import AirlockTesting
import Foundation
import Testing

/// `airlock mfa-device`: a member registers their own device, and `airlock run apply` then asks for and sends
/// that device's code; the apply's log names the device.
@Suite struct PersonalMFADeviceCLITests {
    static let marioPhone = "arn:aws:iam::123456789012:mfa/mario-phone"

    @Test func aMembersOwnDeviceIsWhatTheirPromptAsksForAndSTSGets() async throws {
        try await MFARunTests.withMFAWorld { world, setup in
            let run = try await MFARunTests.plannedUnderAppliesOnly(world, setup)
            let environment = world.fixture.environment
            let login = try await CommandRunner.run(AirlockBinary.path, ["login", "--server", world.base, "--token-stdin"],
                                                    environment: environment, stdin: (world.tokens["mario"] ?? "") + "\n")
            #expect(login.status == 0)
            func airlock(_ arguments: [String]) async throws -> CommandRunner.Result {
                try await CommandRunner.run(AirlockBinary.path, arguments, environment: environment)
            }
            #expect(try await airlock(["mfa-device", "show", "--org", "acme"]).stdout.contains("(none: your codes go with acme's AWS_MFA_SERIAL_NUMBER)"))
            let invalid = try await airlock(["mfa-device", "set", "--org", "acme", "not a serial"])
            #expect(invalid.status != 0)
            #expect(invalid.stderr.contains("serial"), "\(invalid.stderr)")
            let unproven = try await airlock(["mfa-device", "set", "--org", "acme", Self.marioPhone])
            #expect(unproven.status != 0 && unproven.stderr.contains("give --code twice"), "no terminal to ask on: \(unproven.stderr)")
            let codes = [try #require(await setup.sts.engine.currentCode(forDevice: Self.marioPhone)),
                         try #require(await setup.sts.engine.currentCode(forDevice: Self.marioPhone, steps: 1))]
            let set = try await airlock(["mfa-device", "set", "--org", "acme", Self.marioPhone, "--code", codes[0], "--code", codes[1]])
            #expect(set.status == 0, "\(set.stderr)")
            await setup.sts.engine.advanceClock(by: 90)  // the next code the device shows is a fresh one
            #expect(try await airlock(["mfa-device", "show", "--org", "acme"]).stdout == Self.marioPhone + "\n")

            let terminal = try await TmuxSession(command: "\(AirlockBinary.path) run apply --env acme/prod --run \(run)", environment: environment)
            do {
                _ = try await terminal.waitFor("Enter MFA code for \(Self.marioPhone): ")
                try await terminal.send(try #require(await setup.sts.engine.currentCode(forDevice: Self.marioPhone)))
                let (status, screen) = try await terminal.waitForExit(seconds: 120)
                #expect(status == 0, "\(screen)")
                #expect(screen.contains("Authenticated with MFA by mario"), "\(screen)")
                #expect(screen.contains("MFA device: \(Self.marioPhone)"), "\(screen)")
            } catch {
                await terminal.stop()
                throw error
            }
            await terminal.stop()
            #expect(await setup.sts.engine.received.contains { $0.action == "GetSessionToken" && $0.serialNumber == Self.marioPhone })
            #expect(try await airlock(["mfa-device", "remove", "--org", "acme"]).status == 0)
            #expect(try await airlock(["mfa-device", "show", "--org", "acme"]).stdout.contains("(none"))
        }
    }
}
