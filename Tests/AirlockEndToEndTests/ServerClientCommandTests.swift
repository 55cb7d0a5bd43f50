import AirlockTesting
import Foundation
import Testing

/// `airlock login`, `org` and `env` against a running server, through the client generated from
/// `openapi.yaml`: tokens stored 0600, the server's refusals shown as they are, an unreachable server named.
@Suite struct ServerClientCommandTests {
    let fixture = ServerProcessFixture()

    func airlock(_ arguments: [String], home: URL, stdin: String? = nil, environment: [String: String] = [:]) async throws -> CommandRunner.Result {
        try await CommandRunner.run(AirlockBinary.path, arguments,
                                    environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path]
                                        .merging(environment) { $1 },
                                    stdin: stdin)
    }

    @Test func logInThenManageEnvironments() async throws {
        try await fixture.withServer { api, tokens, _ in
            let base = String(api.dropLast("/api/v1".count))
            let olivia = fixture.data.appendingPathComponent("olivia-home"), mario = fixture.data.appendingPathComponent("mario-home")

            let wrong = try await airlock(["login", "--server", base, "--token-stdin"], home: olivia, stdin: "airlock_\(String(repeating: "0", count: 64))\n")
            #expect(wrong.status == 255)
            #expect(wrong.stderr.contains("Send an API token"))
            #expect(!FileManager.default.fileExists(atPath: olivia.appendingPathComponent(".config/airlock/credentials.json").path))

            let login = try await airlock(["login", "--server", base + "/", "--token-stdin"], home: olivia, stdin: try #require(tokens["olivia"]) + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            #expect(login.stdout == "Logged in to \(base) as olivia.\n")
            let file = olivia.appendingPathComponent(".config/airlock/credentials.json")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            _ = try await airlock(["login", "--server", base, "--token-stdin"], home: mario, stdin: try #require(tokens["mario"]) + "\n")

            #expect(try await airlock(["org", "list"], home: olivia).stdout == "acme\towner\n")
            let created = try await airlock(["env", "create", "acme/prod"], home: olivia)
            #expect(created.stdout == "Created environment acme/prod.\n", "\(created.stderr)")
            let duplicate = try await airlock(["env", "create", "acme/prod"], home: olivia)
            #expect(duplicate.status == 255)
            #expect(duplicate.stderr == "The organization already has an environment \"prod\".\n")
            let byMember = try await airlock(["env", "create", "acme/staging"], home: mario)
            #expect(byMember.status == 255)
            #expect(byMember.stderr.contains("owners"))
            #expect(try await airlock(["env", "list", "--org", "acme"], home: mario).stdout == "acme/prod\n")
            let hidden = try await airlock(["env", "list", "--org", "other"], home: mario)
            #expect(hidden.status == 255)
            #expect(hidden.stderr.contains("other"))
            let badAddress = try await airlock(["env", "create", "prod"], home: olivia)
            #expect(badAddress.status == 64)
            #expect(try await airlock(["env", "delete", "acme/prod"], home: olivia).stdout == "Deleted environment acme/prod.\n")

            let unreachable = try await airlock(["org", "list", "--server", "http://127.0.0.1:9"], home: olivia)
            #expect(unreachable.status == 255)
            #expect(unreachable.stderr.hasPrefix("Not logged in to http://127.0.0.1:9."))
            let down = try await airlock(["org", "list", "--server", "http://127.0.0.1:9"], home: olivia, environment: ["AIRLOCK_TOKEN": "airlock_x"])
            #expect(down.status == 255)
            #expect(down.stderr == "Cannot reach the Airlock server at http://127.0.0.1:9: connection refused or timed out.\n")
            let logout = try await airlock(["logout"], home: olivia)
            #expect(logout.stdout == "Logged out of \(base).\n")
            let afterLogout = try await airlock(["org", "list"], home: olivia)
            #expect(afterLogout.status == 255)
            #expect(afterLogout.stderr.contains("airlock login"))
        }
    }

    /// The review's finding: the token and MFA codes went over plain http:// to any host without a word. Beyond this
    /// machine it takes `--insecure-http` (nothing is sent before: the refused address is never contacted).
    @Test func ownersManageTeamsAndTheirAccessFromTheCommandLine() async throws {
        try await fixture.withServer { api, tokens, _ in
            let base = String(api.dropLast("/api/v1".count))
            let olivia = fixture.data.appendingPathComponent("olivia-home"), mario = fixture.data.appendingPathComponent("mario-home")
            _ = try await airlock(["login", "--server", base, "--token-stdin"], home: olivia, stdin: try #require(tokens["olivia"]) + "\n")
            _ = try await airlock(["login", "--server", base, "--token-stdin"], home: mario, stdin: try #require(tokens["mario"]) + "\n")
            _ = try await airlock(["env", "create", "acme/prod"], home: olivia)
            let created = try await airlock(["team", "create", "acme", "deployers", "--group", "platform-deployers"], home: olivia)
            #expect(created.stdout == "Created the team deployers in acme, following the group platform-deployers.\n", "\(created.stderr)")
            #expect(try await airlock(["team", "add", "acme", "deployers", "mario"], home: olivia).stdout == "mario is in deployers.\n")
            let open = try await airlock(["team", "access", "acme/prod"], home: mario)
            #expect(open.stdout.hasPrefix("Not restricted to teams"), "\(open.stdout)\(open.stderr)")
            #expect(try await airlock(["team", "grant", "acme/prod", "deployers", "plan"], home: olivia).stdout == "deployers may plan in acme/prod.\n")
            #expect(try await airlock(["team", "access", "acme/prod"], home: mario).stdout == "deployers\tplan\n")
            let listed = try await airlock(["team", "list", "acme"], home: mario).stdout
            #expect(listed == "deployers\tgroup platform-deployers\n  member\tmario\n  env\tacme/prod\tplan\n", "\(listed)")
            let byMember = try await airlock(["team", "grant", "acme/prod", "deployers", "administer"], home: mario)
            #expect(byMember.status == 255 && byMember.stderr.contains("owners"), "\(byMember.stderr)")
            let badLevel = try await airlock(["team", "grant", "acme/prod", "deployers", "everything"], home: olivia)
            #expect(badLevel.status == 64, "\(badLevel.stderr)")
            #expect(try await airlock(["team", "revoke", "acme/prod", "deployers"], home: olivia).stdout == "deployers no longer has access to acme/prod.\n")
            #expect(try await airlock(["env", "list", "--org", "acme"], home: mario).stdout == "", "restricted, and mario's team has no access")
            #expect(try await airlock(["team", "open", "acme/prod"], home: olivia).stdout == "acme/prod is open to every member of acme again.\n")
            #expect(try await airlock(["env", "list", "--org", "acme"], home: mario).stdout == "acme/prod\n")
            #expect(try await airlock(["team", "delete", "acme", "deployers"], home: olivia).stdout == "Deleted the team deployers.\n")
        }
    }

    @Test func plainHTTPBeyondThisMachineTakesInsecureHTTP() async throws {
        try await fixture.withServer { api, tokens, _ in
            let base = String(api.dropLast("/api/v1".count))
            let home = fixture.data.appendingPathComponent("http-home")
            let token = try #require(tokens["olivia"]) + "\n"
            for server in ["http://airlock.example.com", "http://192.0.2.10:8080"] {
                let refused = try await airlock(["login", "--server", server, "--token-stdin"], home: home, stdin: token)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("is plain HTTP: your API token and MFA codes would cross the network unencrypted"), "\(refused.stderr)")
                let listed = try await airlock(["org", "list", "--server", server], home: home, environment: ["AIRLOCK_TOKEN": "airlock_x"])
                #expect(listed.stderr.contains("--insecure-http"), "\(listed.stderr)")
            }
            // This machine's own address, spelt as IPv4 in IPv6: not recognized as loopback, so it takes the flag.
            let port = try #require(URL(string: base)?.port)
            let mapped = "http://[::ffff:127.0.0.1]:\(port)"
            #expect(try await airlock(["login", "--server", mapped, "--token-stdin"], home: home, stdin: token).status != 0)
            let allowed = try await airlock(["login", "--server", mapped, "--token-stdin", "--insecure-http"], home: home, stdin: token)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(try await airlock(["org", "list", "--insecure-http"], home: home).stdout == "acme\towner\n")
            #expect(try await airlock(["org", "list"], home: home).status != 0, "each command says it again")
        }
    }

    /// Past 100 environments the API answers a page at a time: `airlock env list` follows the pages, and the
    /// environments page shows 100 with a link to the next and a search by part of the name.
    @Test func aLongListIsPagedForTheCLIAndThePage() async throws {
        try await fixture.withServer { api, tokens, _ in
            let base = String(api.dropLast("/api/v1".count))
            let names = (0..<104).map { String(format: "svc-%03d", $0) }
            for name in names {
                let created = try await fixture.call(api, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"\#(name)"}"#)
                try #require(created.status == 201, "\(created.body)")
            }
            let mario = fixture.data.appendingPathComponent("mario-home")
            _ = try await airlock(["login", "--server", base, "--token-stdin"], home: mario, stdin: try #require(tokens["mario"]) + "\n")
            let listed = try await airlock(["env", "list", "--org", "acme"], home: mario)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout == names.map { "acme/\($0)\n" }.joined(), "every page, in name order")
            let found = try await airlock(["env", "list", "--org", "acme", "--search", "SVC-10"], home: mario)
            #expect(found.stdout == (100..<104).map { "acme/svc-\($0)\n" }.joined())

            let browser = Browser(base: base)
            #expect(try await browser.logIn("mario", password: ServerProcessFixture.password).status == 303)
            let first = try await browser.get("/terraform/acme/environments")
            #expect(first.body.contains("/terraform/acme/environments/svc-099") && !first.body.contains("/terraform/acme/environments/svc-100"))
            #expect(first.body.contains(#"<a href="/terraform/acme/environments?after=svc-099" rel="next">Next page</a>"#), "\(first.body)")
            let second = try await browser.get("/terraform/acme/environments?after=svc-099")
            #expect(second.body.contains("/terraform/acme/environments/svc-103") && !second.body.contains("/terraform/acme/environments/svc-099\""))
            #expect(second.body.contains("First page") && !second.body.contains("Next page"))
            let search = try await browser.get("/terraform/acme/environments?search=svc-00")
            #expect(search.body.contains("/terraform/acme/environments/svc-009") && !search.body.contains("/terraform/acme/environments/svc-010"))
            #expect(search.body.contains(#"value="svc-00""#) && search.body.contains("Show all"))
            let none = try await browser.get("/terraform/acme/environments?search=%3Cscript%3E")
            #expect(none.body.contains("No environments match.") && !none.body.contains("<script>"))
        }
    }
}
