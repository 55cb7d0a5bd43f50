import AirlockTesting
import Foundation
import Testing

/// A user's own API tokens: issued with an expiry, listed, revoked, through the API, the CLI and the pages.
/// A revoked or expired token authenticates nothing, on the API and on the state backend.
@Suite struct APITokenTests {
    let fixture = ServerProcessFixture()

    @Test func tokensAreListedRevokedAndExpireThroughTheAPI() async throws {
        try await fixture.withServer { base, tokens, database in
            let olivia = tokens["olivia"]
            let issued = try await fixture.call(base, "POST", "/user/tokens", as: olivia, json: #"{"name":"ci deploy","expiresInDays":30}"#)
            #expect(issued.status == 201, "\(issued.body)")
            let token = try #require(try RunWorld.field("token", of: issued.body))
            let id = try #require(try RunWorld.field("id", of: issued.body))
            #expect(token.hasPrefix("airlock_") && issued.body.contains("\"expiresAt\""))
            #expect(try await fixture.call(base, "GET", "/user", as: token).body == #"{"username":"olivia"}"#)

            let listed = try await fixture.call(base, "GET", "/user/tokens", as: olivia)
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(entries.contains { $0["name"] as? String == "ci deploy" && $0["current"] as? Bool == false && $0["lastUsedAt"] != nil })
            #expect(entries.contains { $0["name"] as? String == "cli" && $0["current"] as? Bool == true && $0["expiresAt"] == nil })
            #expect(!listed.body.contains(token) && !listed.body.contains("hash"))
            // Only one's own: another user's token id is not found, and the list is theirs alone.
            #expect(try await fixture.call(base, "DELETE", "/user/tokens/\(id)", as: tokens["mario"]).status == 404)
            #expect(try await fixture.call(base, "GET", "/user/tokens", as: tokens["mario"]).body.contains("ci deploy") == false)
            for body in [#"{"name":""}"#, #"{"name":"   "}"#, #"{"name":"x","expiresInDays":0}"#, #"{"name":"x","expiresInDays":4000}"#] {
                #expect(try await fixture.call(base, "POST", "/user/tokens", as: olivia, json: body).status == 400, "\(body)")
            }

            #expect(try await fixture.call(base, "DELETE", "/user/tokens/\(id)", as: olivia).status == 204)
            #expect(try await fixture.call(base, "GET", "/user", as: token).status == 401, "a revoked token authenticates nothing")

            // Expiry: a token whose time has passed is refused by the API and by the state backend.
            let short = try await fixture.call(base, "POST", "/user/tokens", as: olivia, json: #"{"name":"short","expiresInDays":1}"#)
            let shortToken = try #require(try RunWorld.field("token", of: short.body))
            #expect(try await fixture.call(base, "POST", "/organizations/acme/environments", as: olivia, json: #"{"name":"prod"}"#).status == 201)
            let state = base.replacingOccurrences(of: "/api/v1", with: "") + "/state/acme/prod"
            let basic = [("Authorization", "Basic " + Data("olivia:\(shortToken)".utf8).base64EncodedString())]
            #expect(try await LocalHTTP.get(state, headers: basic).status == 204)
            _ = try await fixture.sql("UPDATE api_tokens SET expires_at = 1000 WHERE name = 'short'", database: database)
            #expect(try await fixture.call(base, "GET", "/user", as: shortToken).status == 401)
            #expect(try await LocalHTTP.get(state, headers: basic).status == 404)
        }
    }

    @Test func theCLIAndThePagesManageTokens() async throws {
        try await fixture.withServer { api, tokens, _ in
            let base = String(api.dropLast("/api/v1".count))
            let home = fixture.data.appendingPathComponent("olivia-home")
            func airlock(_ arguments: [String], stdin: String? = nil) async throws -> CommandRunner.Result {
                try await CommandRunner.run(AirlockBinary.path, arguments,
                                            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path],
                                            stdin: stdin)
            }
            #expect(try await airlock(["login", "--server", base, "--token-stdin"], stdin: try #require(tokens["olivia"]) + "\n").status == 0)
            let created = try await airlock(["token", "create", "--name", "laptop", "--expires-in-days", "7"])
            #expect(created.status == 0, "\(created.stderr)")
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("airlock_"))
            let list = try await airlock(["token", "list"])
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.count == 2, "\(list.stdout)")
            let laptop = try #require(lines.first { $0.contains("\tlaptop\t") })
            #expect(laptop.hasPrefix(" \t"))
            #expect(lines.contains { $0.hasPrefix("*\t") && $0.contains("\tcli\t") }, "the token in use is marked")
            let id = String(laptop.split(separator: "\t")[1])
            let badLifetime = try await airlock(["token", "create", "--name", "x", "--expires-in-days", "0"])
            #expect(badLifetime.status == 255 && badLifetime.stderr.contains("A token expires in 1 to 3650 days"))
            #expect(try await airlock(["token", "revoke", id]).stdout == "Revoked token \(id).\n")
            #expect(try await fixture.call(api, "GET", "/user", as: token).status == 401)
            let again = try await airlock(["token", "revoke", id])
            #expect(again.status == 255 && again.stderr.contains("You have no such API token."))

            // The pages: issue one (shown once), see it listed, revoke it.
            let browser = Browser(base: base)
            #expect(try await browser.logIn("olivia", password: ServerProcessFixture.password).status == 303)
            _ = try await browser.get("/settings/tokens")
            let page = try await browser.submit("/settings/tokens", [("name", "from the page"), ("expires", "30")])
            #expect(page.status == 200)
            let shown = try #require(page.body.range(of: #"airlock_[0-9a-f]{64}"#, options: .regularExpression).map { String(page.body[$0]) })
            #expect(try await fixture.call(api, "GET", "/user", as: shown).status == 200)
            let listed = try await browser.get("/settings/tokens")
            #expect(listed.body.contains("from the page") && !listed.body.contains(shown), "listed, never shown again")
            let pageID = try #require(try JSONSerialization.jsonObject(with: Data(try await fixture.call(api, "GET", "/user/tokens", as: shown).body.utf8))
                as? [[String: Any]]).first { $0["name"] as? String == "from the page" }?["id"] as? String
            let revoked = try await browser.submit("/settings/tokens/revoke", [("id", try #require(pageID))])
            #expect(revoked.status == 303)
            #expect(try await fixture.call(api, "GET", "/user", as: shown).status == 401)
            let refused = try await browser.submit("/settings/tokens", [("name", "  "), ("expires", "30")])
            #expect(refused.status == 303)
            let message = try await browser.get("/settings/tokens").body
            #expect(message.contains("name is 1 to 100 characters"), "the refusal is shown on the page")
        }
    }
}
