import AirlockTesting
import Foundation
import Testing

/// Users and API tokens created from scripts (`airlock admin`), then used against a running server.
@Suite struct AdminAndTokenTests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-admin-\(UUID().uuidString)")
    var environment: [String: String] { ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": data.path] }

    func admin(_ arguments: [String], _ database: TestDatabase, stdin: String? = nil) async throws -> CommandRunner.Result {
        try await CommandRunner.run(AirlockBinary.path, ["admin"] + arguments + ["--data-dir", data.path] + database.arguments,
                                    environment: environment, stdin: stdin)
    }

    @Test func usersAreValidatedAndUnique() async throws {
        let database = try await TestDatabase.make()
        defer { try? FileManager.default.removeItem(at: data) }
        let created = try await admin(["create-user", "--username", "anika", "--password-stdin"], database, stdin: "correct horse battery\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "Created user anika.\n")
        let again = try await admin(["create-user", "--username", "anika", "--password-stdin"], database, stdin: "another long password\n")
        #expect(again.status == 255)
        #expect(again.stderr == "The username \"anika\" is taken.\n")
        let short = try await admin(["create-user", "--username", "bob", "--password-stdin"], database, stdin: "short\n")
        #expect(short.stderr == "Passwords must be at least 12 characters.\n")
        let invalid = try await admin(["create-user", "--username", "Bob Smith", "--password-stdin"], database, stdin: "correct horse battery\n")
        #expect(invalid.stderr.hasPrefix("Usernames are 2 to 39 characters"))
        let noStdin = try await admin(["create-user", "--username", "carol"], database)
        #expect(noStdin.status == 64)
        await database.drop()
    }

    @Test func aTokenAuthenticatesTheAPIAndIsStoredOnlyAsAHash() async throws {
        let database = try await TestDatabase.make()
        defer { try? FileManager.default.removeItem(at: data) }
        // setup
        _ = try await admin(["create-user", "--username", "anika", "--password-stdin"], database, stdin: "correct horse battery\n")
        let issued = try await admin(["create-token", "--username", "anika", "--name", "laptop"], database)
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.range(of: "^airlock_[0-9a-f]{64}$", options: .regularExpression) != nil, "\(issued.stderr)")
        let unknown = try await admin(["create-token", "--username", "nobody"], database)
        #expect(unknown.stderr == "There is no user \"nobody\".\n")
        let server = try RunningProcess(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0"] + database.arguments, environment: environment)
        let printed = try await server.waitFor("Airlock listening on")
        let base = try #require(printed.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(printed[$0]) })
        // act
        let me = try await LocalHTTP.get(base + "/api/v1/user", headers: [("Authorization", "Bearer \(token)")])
        let anonymous = try await LocalHTTP.get(base + "/api/v1/user")
        let wrong = try await LocalHTTP.get(base + "/api/v1/user", headers: [("Authorization", "Bearer airlock_\(String(repeating: "0", count: 64))")])
        #expect(await server.stop() == 0)
        // check
        #expect(me.status == 200)
        #expect(me.body == #"{"username":"anika"}"#)
        for response in [anonymous, wrong] {
            #expect(response.status == 401)
            #expect(response.body.contains(#""code":"unauthorized""#))
            #expect(response.headers.contains { $0.0.lowercased() == "www-authenticate" && $0.1 == "Bearer" })
        }
        if database.url == nil {
            let file = try Data(contentsOf: data.appendingPathComponent("airlock.sqlite"))
            #expect(file.range(of: Data(token.utf8)) == nil)
            #expect(file.range(of: Data("correct horse battery".utf8)) == nil)
        } else {
            let stored = try await database.query("SELECT token_hash FROM api_tokens; SELECT password_hash FROM users")
            #expect(!stored.contains(token) && !stored.contains("correct horse battery"))
        }
        await database.drop()
    }
}
