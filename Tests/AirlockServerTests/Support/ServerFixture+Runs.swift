@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Environments, configuration versions and runs made through the domain's own functions, for suites that
/// test what happens to a run after it is queued.
extension ServerFixture {
    /// The environment `name` of acme (created by olivia through the API), optionally with an MFA level.
    @discardableResult
    func environment(_ name: String = "prod", mfa: MFALevel = .never) async throws -> TerraformEnvironment {
        let created = try await call(.POST, "/organizations/acme/environments", as: "olivia", object: ["name": name])
        try #require(created.status == .created, "\(created.body.string)")
        if mfa != .never {
            let changed = try await call(.PATCH, "/organizations/acme/environments/\(name)", as: "olivia", object: ["mfa": mfa.rawValue])
            try #require(changed.status == .ok, "\(changed.body.string)")
        }
        return try #require(try await TerraformEnvironment.query(on: app.db).filter(\.$name == name).first())
    }

    /// The user `name` as the domain sees it.
    func user(_ name: String) async throws -> User {
        try #require(try await User.query(on: app.db).filter(\.$username == name).first())
    }

    /// A run queued by `user` on `environment` (with a stored configuration version), moved on to `state`
    /// through the transitions a worker makes.
    func run(on environment: TerraformEnvironment, by user: String = "mario", reaching state: RunState = .pending,
             tokenCode: String? = nil) async throws -> Run {
        let environmentID = try environment.requireID()
        if try await ConfigurationVersion.query(on: app.db).filter(\.$environment.$id == environmentID).count() == 0 {
            try await ConfigurationVersion(environmentID: environmentID, sha256: UUID().uuidString, archive: Data([1]), uploadedBy: user)
                .save(on: app.db)
        }
        let run = try await Runs.queuePlan(PlanRequest(in: "acme", environment.name, tokenCode: tokenCode),
                                           actor: try await self.user(user), mfa: app.mfaServices, on: app.db)
        let path: [RunState] = switch state {
        case .pending: []
        case .planning: [.planning]
        case .planned: [.planning, .planned]
        case .applyQueued: [.planning, .planned, .applyQueued]
        case .applying: [.planning, .planned, .applyQueued, .applying]
        default: [.planning, state]
        }
        var current = RunState.pending
        for next in path {
            try #require(try await RunTransition.move(try run.requireID(), from: [current], to: next, actor: "airlock", on: app.db))
            current = next
        }
        return try #require(try await Run.find(run.requireID(), on: app.db))
    }

    /// Sets an organization variable of acme as olivia.
    func setVariable(_ key: String, _ value: String, sensitive: Bool = false) async throws {
        let response = try await call(.PUT, "/organizations/acme/variables/\(key)", as: "olivia", object: ["value": value, "sensitive": sensitive])
        try #require(response.status == .ok, "\(response.body.string)")
    }

    /// acme's AWS variables: the test STS's MFA user's keys and device.
    func setAWSVariables() async throws {
        let user = TestSTSDirectory.reference().users[0]
        try await setVariable(AWSAccess.accessKeyVariable, user.accessKeyID)
        try await setVariable(AWSAccess.secretKeyVariable, user.secretAccessKey, sensitive: true)
        try await setVariable(AWSAccess.serialVariable, try #require(user.mfaSerial))
    }

    /// Registers `serial` as `user`'s own device with the proof a registration asks (the device's code now and the
    /// next), then moves STS's clock past those codes, as a person waits for a fresh one.
    func registerDevice(_ serial: String, as user: String) async throws {
        let sts = try #require(sts)
        let codes = [try #require(await sts.engine.currentCode(forDevice: serial)), try #require(await sts.engine.currentCode(forDevice: serial, steps: 1))]
        let response = try await call(.PUT, "/organizations/acme/mfa-device", as: user, object: ["serial": serial, "codes": codes])
        try #require(response.status == .ok, "\(response.body.string)")
        await sts.engine.advanceClock(by: 90)
    }

    /// The test STS's current code for its MFA user, and one it refuses.
    func mfaCodes() async throws -> (right: String, wrong: String) {
        let sts = try #require(sts)
        let right = try #require(await sts.engine.currentCode(forUser: TestSTSDirectory.reference().users[0].name))
        let wrong = String(format: "%06d", ((Int(right) ?? 0) + 1) % 1_000_000)
        return (right, wrong)
    }
}
