@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// People's own MFA devices, in-process against the test STS (whose IAM user has the shared device and one
/// each for mario and olivia): codes go with the person's device, the audit names it, and an environment may
/// refuse the shared one.
@Suite struct PersonalMFADeviceTests {
    static let marioPhone = "arn:aws:iam::123456789012:mfa/mario-phone"
    static let oliviaKey = "arn:aws:iam::123456789012:mfa/olivia-key"
    static let shared = "arn:aws:iam::123456789012:mfa/cli-user"


    func code(_ fixture: ServerFixture, device: String) async throws -> String {
        try #require(await fixture.sts?.engine.currentCode(forDevice: device))
    }

    func register(_ fixture: ServerFixture, _ serial: String, as user: String) async throws {
        let response = try await fixture.call(.PUT, "/organizations/acme/mfa-device", as: user, object: ["serial": serial])
        try #require(response.status == .ok, "\(response.body.string)")
    }

    @Test func twoPeopleApproveEachWithTheirOwnDeviceAndTheAuditNamesIt() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            // With an apply role, SourceIdentity names the person and their device.
            let role = "arn:aws:iam::123456789012:role/cli-role"
            let roleSet = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["applyRoleArn": role])
            try #require(roleSet.status == .ok, "\(roleSet.body.string)")
            try await register(fixture, Self.marioPhone, as: "mario")
            try await register(fixture, Self.oliviaKey, as: "olivia")
            let shown = try await fixture.call(.GET, "/organizations/acme/environments/prod", as: "mario")
            #expect(shown.body.string.contains(#""mfaSerialNumber":"\#(Self.marioPhone)""#), "prompts name the person's device: \(shown.body.string)")
            let (mario, olivia) = (try await fixture.user("mario"), try await fixture.user("olivia"))
            let first = try await fixture.run(on: environment, reaching: .planned)
            // The shared device's code is not mario's any more: STS gets his device with it and refuses.
            let shared = await refusal {
                _ = try await Runs.confirm(try first.requireID(), actor: mario, tokenCode: try await code(fixture, device: Self.shared),
                                           mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(shared?.code == "mfa_failed")
            _ = try await Runs.confirm(try first.requireID(), actor: mario, tokenCode: try await code(fixture, device: Self.marioPhone),
                                       mfa: fixture.app.mfaServices, on: fixture.app.db)
            try await RunTransition.move(try first.requireID(), from: [.applyQueued], to: .applying, actor: "airlock", on: fixture.app.db)
            try await RunTransition.move(try first.requireID(), from: [.applying], to: .applied, actor: "airlock", on: fixture.app.db)
            let second = try await fixture.run(on: environment, reaching: .planned)
            _ = try await Runs.confirm(try second.requireID(), actor: olivia, tokenCode: try await code(fixture, device: Self.oliviaKey),
                                       mfa: fixture.app.mfaServices, on: fixture.app.db)
            let succeeded = try await MFAAuthentication.query(on: fixture.app.db).filter(\.$succeeded == true).sort(\.$at).all()
            #expect(succeeded.map(\.username) == ["mario", "olivia"])
            #expect(succeeded.map(\.deviceSerial) == [Self.marioPhone, Self.oliviaKey])
            let sent = await fixture.sts?.engine.received.filter { $0.action == "GetSessionToken" }.compactMap(\.serialNumber) ?? []
            #expect(sent == [Self.marioPhone, Self.marioPhone, Self.oliviaKey], "\(sent)")
            let identities = await fixture.sts?.engine.received.filter { $0.action == "AssumeRole" && $0.errorCode == nil }.map(\.sourceIdentity) ?? []
            #expect(identities == ["mario@mario-phone", "olivia@olivia-key"], "\(identities)")
            let audit = try await fixture.call(.GET, "/organizations/acme/environments/prod/mfa-authentications", as: "olivia")
            #expect(audit.body.string.contains(#""deviceSerial":"\#(Self.oliviaKey)""#), "\(audit.body.string)")
        }
    }

    @Test func anEnvironmentThatRequiresPersonalDevicesRefusesTheSharedOne() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let environment = try await fixture.environment(mfa: .appliesOnly)
            let byMember = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "mario", object: ["requirePersonalMfaDevice": true])
            #expect(byMember.status == .forbidden)
            let required = try await fixture.call(.PATCH, "/organizations/acme/environments/prod", as: "olivia", object: ["requirePersonalMfaDevice": true])
            #expect(required.status == .ok)
            #expect(required.body.string.contains(#""requirePersonalMfaDevice":true"#))
            let run = try await fixture.run(on: environment, reaching: .planned)
            let mario = try await fixture.user("mario")
            let withShared = await refusal {
                _ = try await Runs.confirm(try run.requireID(), actor: mario, tokenCode: try await code(fixture, device: Self.shared),
                                           mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(withShared?.code == "personal_mfa_device_required")
            #expect(withShared?.message.contains("airlock mfa-device set --org acme") == true)
            #expect(await fixture.sts?.engine.received.isEmpty == true, "refused before STS")
            let attempt = try #require(try await MFAAuthentication.query(on: fixture.app.db).first())
            #expect(attempt.countsAsFailure == false, "a missing device is not a failed code")
            try await register(fixture, Self.marioPhone, as: "mario")
            let confirmed = try await Runs.confirm(try run.requireID(), actor: mario, tokenCode: try await code(fixture, device: Self.marioPhone),
                                                   mfa: fixture.app.mfaServices, on: fixture.app.db)
            #expect(confirmed.run.state == .applyQueued)
        }
    }

    @Test func eachPersonManagesOnlyTheirOwnDevice() async throws {
        try await ServerFixture.with { fixture in
            let none = try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "mario")
            #expect(none.status == .notFound)
            #expect(none.body.string.contains("no_mfa_device"))
            for invalid in ["short", "arn:aws:iam::123456789012:mfa/has space", String(repeating: "a", count: 257)] {
                let refused = try await fixture.call(.PUT, "/organizations/acme/mfa-device", as: "mario", object: ["serial": invalid])
                #expect(refused.status == .badRequest, "\(invalid): \(refused.body.string)")
            }
            await #expect(throws: MFARefusal.self) {
                _ = try await PersonalMFADevices.register("bad serial!", for: try await fixture.user("mario").requireID(), in: "acme", at: Date(),
                                                          on: fixture.app.db)
            }
            #expect(try await fixture.call(.PUT, "/organizations/acme/mfa-device", as: "otto", object: ["serial": Self.marioPhone]).status == .notFound)
            try await register(fixture, Self.shared, as: "mario")
            try await register(fixture, Self.marioPhone, as: "mario")  // replaced, not added
            #expect(try await PersonalMFADevice.query(on: fixture.app.db).count() == 1)
            let mine = try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "mario")
            #expect(mine.body.string.contains(Self.marioPhone))
            #expect(try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "olivia").status == .notFound, "olivia sees only her own")
            #expect(try await fixture.call(.DELETE, "/organizations/acme/mfa-device", as: "mario").status == .noContent)
            #expect(try await PersonalMFADevice.query(on: fixture.app.db).count() == 0)
        }
    }
}
