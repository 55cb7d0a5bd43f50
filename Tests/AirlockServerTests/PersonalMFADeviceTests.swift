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

    /// The device's code now and the next one: the proof a registration asks for.
    func proof(_ fixture: ServerFixture, device: String) async throws -> [String] {
        let sts = try #require(fixture.sts)
        return [try #require(await sts.engine.currentCode(forDevice: device)), try #require(await sts.engine.currentCode(forDevice: device, steps: 1))]
    }

    func put(_ fixture: ServerFixture, _ serial: String, codes: [String], as user: String) async throws -> TestingHTTPResponse {
        try await fixture.call(.PUT, "/organizations/acme/mfa-device", as: user, object: ["serial": serial, "codes": codes])
    }

    func register(_ fixture: ServerFixture, _ serial: String, as user: String) async throws {
        try await fixture.registerDevice(serial, as: user)
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
            // The registrations' proofs (two codes each), then the approvals: mario's refused shared code and his own, olivia's.
            #expect(sent == [Self.marioPhone, Self.marioPhone, Self.oliviaKey, Self.oliviaKey, Self.marioPhone, Self.marioPhone, Self.oliviaKey], "\(sent)")
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
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let none = try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "mario")
            #expect(none.status == .notFound)
            #expect(none.body.string.contains("no_mfa_device"))
            for invalid in ["short", "arn:aws:iam::123456789012:mfa/has space", String(repeating: "a", count: 257)] {
                let refused = try await put(fixture, invalid, codes: ["123456", "234567"], as: "mario")
                #expect(refused.status == .badRequest, "\(invalid): \(refused.body.string)")
            }
            #expect(try await put(fixture, Self.marioPhone, codes: ["123456", "234567"], as: "otto").status == .notFound)
            try await register(fixture, Self.oliviaKey, as: "mario")
            try await register(fixture, Self.marioPhone, as: "mario")  // replaced, not added
            #expect(try await PersonalMFADevice.query(on: fixture.app.db).count() == 1)
            let mine = try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "mario")
            #expect(mine.body.string.contains(Self.marioPhone))
            #expect(try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "olivia").status == .notFound, "olivia sees only her own")
            #expect(try await fixture.call(.DELETE, "/organizations/acme/mfa-device", as: "mario").status == .noContent)
            #expect(try await PersonalMFADevice.query(on: fixture.app.db).count() == 0)
        }
    }

    /// The review's finding: a member registered the organization's shared serial and passed "require personal
    /// MFA devices"; another registered a colleague's. A device is now registered with two consecutive codes
    /// STS accepts, never the shared one or another member's, and owners see and revoke every registration.
    @Test func aRegistrationProvesPossessionAndOwnersSeeAndRevokeIt() async throws {
        try await ServerFixture.with(sts: true) { fixture in
            try await fixture.setAWSVariables()
            let sts = try #require(fixture.sts)
            // The shared device is nobody's own, even with its codes; refused before any code reaches STS.
            let shared = try await put(fixture, Self.shared, codes: try await proof(fixture, device: Self.shared), as: "mario")
            #expect(shared.status == .conflict && shared.body.string.contains("mfa_device_shared"), "\(shared.body.string)")
            #expect(await sts.engine.received.isEmpty)
            // Without codes, or one code twice: no proof.
            let code = try #require(await sts.engine.currentCode(forDevice: Self.oliviaKey))
            for codes in [[String](), [code], [code, code]] {
                let refused = try await put(fixture, Self.oliviaKey, codes: codes, as: "mario")
                #expect(refused.status == .badRequest, "\(codes): \(refused.body.string)")
            }
            // A colleague's device without its codes: STS refuses, and five such failures stop the guessing.
            for attempt in 0..<5 {
                let guessed = try await put(fixture, Self.oliviaKey, codes: [String(format: "%06d", attempt), String(format: "%06d", attempt + 10)], as: "mario")
                #expect(guessed.status == .forbidden && guessed.body.string.contains("mfa_failed"), "\(guessed.body.string)")
            }
            let stopped = try await put(fixture, Self.oliviaKey, codes: try await proof(fixture, device: Self.oliviaKey), as: "mario")
            #expect(stopped.status == .tooManyRequests, "\(stopped.body.string)")
            #expect(try await PersonalMFADevice.query(on: fixture.app.db).count() == 0)
            // olivia proves her device; mario then cannot take it, even with codes he somehow read off it.
            try await register(fixture, Self.oliviaKey, as: "olivia")
            let taken = try await put(fixture, Self.oliviaKey, codes: try await proof(fixture, device: Self.oliviaKey), as: "otto")
            #expect(taken.status == .notFound, "otto is not in acme")
            try await Organizations.setMember("otto", role: "member", in: "acme", on: fixture.app.db)
            let colleague = try await put(fixture, Self.oliviaKey, codes: try await proof(fixture, device: Self.oliviaKey), as: "otto")
            #expect(colleague.status == .conflict && colleague.body.string.contains("mfa_device_taken"), "\(colleague.body.string)")
            fixture.clock.advance(by: MFAGate.failureWindow + 1)  // mario's failures age out of the window
            try await register(fixture, Self.marioPhone, as: "mario")
            // No proof row holds a code; every attempt is audited.
            let proofs = try await MFADeviceProof.query(on: fixture.app.db).all()
            #expect(proofs.filter(\.succeeded).count == 3 && proofs.filter { !$0.succeeded }.count == 5, "olivia's, otto's (proven, refused as taken), mario's")
            // Owners see every registration and revoke one; members and other organizations see none.
            let listed = try await fixture.call(.GET, "/organizations/acme/mfa-devices", as: "olivia")
            #expect(listed.status == .ok)
            #expect(listed.body.string.contains(#""serial":"\#(Self.marioPhone)","username":"mario""#), "\(listed.body.string)")
            #expect(try await fixture.call(.GET, "/organizations/acme/mfa-devices", as: "mario").status == .forbidden)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/mfa-devices/olivia", as: "mario").status == .forbidden)
            #expect(try await fixture.call(.GET, "/organizations/other/mfa-devices", as: "olivia").status == .notFound)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/mfa-devices/mario", as: "olivia").status == .noContent)
            #expect(try await fixture.call(.GET, "/organizations/acme/mfa-device", as: "mario").status == .notFound)
            #expect(try await fixture.call(.DELETE, "/organizations/acme/mfa-devices/mario", as: "olivia").status == .notFound)
        }
    }
}
