@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// `terraform login`'s rules in-process: where a code may be sent, and what a code is exchanged for.
@Suite struct TerraformLoginTests {
    static let verifier = String(repeating: "v", count: 64)

    static func request(redirect: String? = "http://localhost:10000/login", clientID: String? = "terraform-cli",
                        challenge: String? = TerraformLogin.challenge(of: verifier), method: String? = "S256") throws(TerraformLogin.Refused) -> TerraformLogin.Request {
        try TerraformLogin.Request(clientID: clientID, responseType: "code", redirectURI: redirect, state: "s-1", codeChallenge: challenge,
                                   codeChallengeMethod: method)
    }

    @Test(arguments: ["https://localhost:10000/login", "http://evil.example:10000/login", "http://localhost:9999/login", "http://localhost/login",
                      "http://user@localhost:10000/login", "javascript:alert(1)",
                      // Only Terraform's exact shape: no other path, query or fragment to carry the code elsewhere.
                      "http://localhost:10000/", "http://localhost:10000/login/../x", "http://localhost:10000/login?next=http://evil.example",
                      "http://localhost:10000/login#x", "http://localhost:10000//login", "http://LOCALHOST:10000/login", "http://localhost:010000/login"])
    func aCodeGoesOnlyToTerraformsListenerOnThisMachine(_ redirect: String) {
        #expect(throws: TerraformLogin.Refused.self) { _ = try Self.request(redirect: redirect) }
    }

    @Test func anotherClientOrNoPKCEIsRefused() throws {
        #expect(throws: TerraformLogin.Refused.self) { _ = try Self.request(clientID: "other") }
        #expect(throws: TerraformLogin.Refused.self) { _ = try Self.request(challenge: nil) }
        #expect(throws: TerraformLogin.Refused.self) { _ = try Self.request(method: "plain") }
        let accepted = try Self.request()
        #expect(accepted.redirect([URLQueryItem(name: "code", value: "c")]) == "http://localhost:10000/login?code=c&state=s-1")
    }

    @Test func aCodeIsExchangedOnceInTimeWithItsVerifierAndRedirect() async throws {
        try await ServerFixture.with { fixture in
            let olivia = try await fixture.user("olivia")
            let (database, clock) = (fixture.app.db, fixture.clock)
            let exchange = { (code: String, verifier: String, redirect: String) in
                try await TerraformLogin.exchange(code: code, verifier: verifier, redirectURI: redirect, clientID: "terraform-cli",
                                                  now: clock.now, on: database)
            }
            let code = try await TerraformLogin.issueCode(for: try Self.request(), user: olivia, now: clock.now, on: database)
            await #expect(throws: TerraformLogin.GrantRefused.self) { _ = try await exchange(code, "wrong-verifier", "http://localhost:10000/login") }
            await #expect(throws: TerraformLogin.GrantRefused.self) { _ = try await exchange(code, Self.verifier, "http://localhost:10001/login") }
            let token = try await exchange(code, Self.verifier, "http://localhost:10000/login")
            #expect(token.hasPrefix("airlock_"))
            let stored = try #require(try await APIToken.query(on: database).filter(\.$tokenHash == APIToken.hash(token)).first())
            #expect(stored.$user.id == (try olivia.requireID()))
            await #expect(throws: TerraformLogin.GrantRefused.self, "once") { _ = try await exchange(code, Self.verifier, "http://localhost:10000/login") }
            let late = try await TerraformLogin.issueCode(for: try Self.request(), user: olivia, now: clock.now, on: database)
            clock.advance(by: TerraformLogin.codeLifetime + 1)
            await #expect(throws: TerraformLogin.GrantRefused.self, "in time") { _ = try await exchange(late, Self.verifier, "http://localhost:10000/login") }
            #expect(try await TerraformLoginCode.query(on: database).filter(\.$codeHash == code).count() == 0, "only hashes are stored")
        }
    }

    /// Codes and abandoned uploads do not pile up: housekeeping deletes them once they can no longer be used.
    @Test func housekeepingDeletesExpiredCodesAndAbandonedUploads() async throws {
        try await ServerFixture.with { fixture in
            let (database, clock) = (fixture.app.db, fixture.clock)
            let olivia = try await fixture.user("olivia")
            let environment = try await fixture.environment()
            _ = try await TerraformLogin.issueCode(for: try Self.request(), user: olivia, now: clock.now, on: database)
            try await TFEConfigurationUpload(environmentID: try environment.requireID(), userID: try olivia.requireID(), speculative: true,
                                             at: clock.now).save(on: database)
            try await Housekeeping.tidy(database, retention: Retention(), now: clock.now)
            #expect(try await TerraformLoginCode.query(on: database).count() == 1, "still usable")
            #expect(try await TFEConfigurationUpload.query(on: database).count() == 1)
            clock.advance(by: TFECapability.Purpose.upload.lifetime + 1)
            try await Housekeeping.tidy(database, retention: Retention(), now: clock.now)
            #expect(try await TerraformLoginCode.query(on: database).count() == 0)
            #expect(try await TFEConfigurationUpload.query(on: database).count() == 0)
        }
    }
}
