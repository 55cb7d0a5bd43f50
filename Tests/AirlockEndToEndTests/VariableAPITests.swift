import AirlockTesting
import Foundation
import Testing

/// Organization variables through the API: owners write, members read (never a sensitive value), other
/// organizations see nothing, and every value is encrypted at rest.
@Suite struct VariableAPITests {
    let organizations = ServerProcessFixture()

    @Test func ownersWriteMembersReadAndSensitiveValuesAreWriteOnly() async throws {
        try await organizations.withServer(keepData: true) { base, tokens, database in
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETVALUE"
            let plain = "AKIAPLAINVALUE000001"
            // act
            let setSecret = try await organizations.call(base, "PUT", "/organizations/acme/variables/AWS_SECRET_ACCESS_KEY", as: tokens["olivia"],
                                                         json: #"{"value":"\#(secret)","sensitive":true}"#)
            let setPlain = try await organizations.call(base, "PUT", "/organizations/acme/variables/AWS_ACCESS_KEY_ID", as: tokens["olivia"],
                                                        json: #"{"value":"\#(plain)"}"#)
            // check
            #expect(setSecret.status == 200)
            #expect(setSecret.body == #"{"key":"AWS_SECRET_ACCESS_KEY","sensitive":true}"#)
            #expect(setPlain.body == #"{"key":"AWS_ACCESS_KEY_ID","sensitive":false,"value":"\#(plain)"}"#)
            for reader in ["olivia", "mario"] {
                let listed = try await organizations.call(base, "GET", "/organizations/acme/variables", as: tokens[reader])
                #expect(listed.status == 200)
                #expect(listed.body == #"[{"key":"AWS_ACCESS_KEY_ID","sensitive":false,"value":"\#(plain)"},{"key":"AWS_SECRET_ACCESS_KEY","sensitive":true}]"#)
                #expect(!listed.body.contains(secret))
            }
            // The authorization matrix: anonymous, other organization, member, owner.
            let matrix: [(String, String, String?, [Int])] = [
                ("GET", "/organizations/acme/variables", nil, [401, 404, 200, 200]),
                ("PUT", "/organizations/acme/variables/REGION", #"{"value":"us-west-2"}"#, [401, 404, 403, 200]),
                ("DELETE", "/organizations/acme/variables/REGION", nil, [401, 404, 403, 204]),
            ]
            for (method, path, json, expected) in matrix {
                for (index, who) in [nil, "otto", "mario", "olivia"].enumerated() {
                    let response = try await organizations.call(base, method, path, as: who.flatMap { tokens[$0] }, json: json)
                    #expect(response.status == expected[index], "\(method) \(path) as \(who ?? "anonymous"): \(response.body)")
                }
            }
            let badKey = try await organizations.call(base, "PUT", "/organizations/acme/variables/1BAD-KEY", as: tokens["olivia"], json: #"{"value":"x"}"#)
            #expect(badKey.status == 400)
            #expect(badKey.body.contains(#""code":"invalid_key""#))
            let tooLong = try await organizations.call(base, "PUT", "/organizations/acme/variables/BIG", as: tokens["olivia"],
                                                       json: #"{"value":"\#(String(repeating: "x", count: 70_000))"}"#)
            #expect(tooLong.status == 400 && tooLong.body.contains("value_too_long"), "the schema's maxLength: a 400, as for any schema violation")
            let missing = try await organizations.call(base, "DELETE", "/organizations/acme/variables/NOPE", as: tokens["olivia"])
            #expect(missing.status == 404)
            // At rest in PostgreSQL: only ciphertext.
            let stored = try await database.query("SELECT key, value_sealed FROM organization_variables")
            #expect(!stored.contains("SECRETVALUE") && !stored.contains("AKIAPLAINVALUE"))
        }
        // At rest: neither value appears in the database files.
        for file in (try? FileManager.default.contentsOfDirectory(atPath: organizations.data.path)) ?? [] where file.hasPrefix("airlock.sqlite") {
            let bytes = try Data(contentsOf: organizations.data.appendingPathComponent(file))
            #expect(bytes.range(of: Data("SECRETVALUE".utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data("AKIAPLAINVALUE".utf8)) == nil, "\(file)")
        }
        try? FileManager.default.removeItem(at: organizations.data)
    }

    /// Names that would change how Terraform or its sandbox start, and NUL characters, are refused for the
    /// organization and for an environment, and nothing is stored.
    @Test func namesThatChangeHowRunsStartAreRefused() async throws {
        try await organizations.withServer { base, tokens, _ in
            #expect(try await organizations.call(base, "POST", "/organizations/acme/environments", as: tokens["olivia"], json: #"{"name":"prod"}"#).status == 201)
            for key in ["PATH", "HOME", "LD_PRELOAD", "LD_LIBRARY_PATH", "TF_CLI_ARGS", "TF_CLI_ARGS_plan", "TF_DATA_DIR", "PYTHONPATH"] {
                for scope in ["/organizations/acme/variables/", "/organizations/acme/environments/prod/variables/"] {
                    let response = try await organizations.call(base, "PUT", scope + key, as: tokens["olivia"], json: #"{"value":"/tmp/x"}"#)
                    #expect(response.status == 400, "\(scope)\(key): \(response.body)")
                    #expect(response.body.contains(#""code":"reserved_key""#) && response.body.contains("\(key) is set by Airlock"), "\(response.body)")
                }
            }
            let nul = try await organizations.call(base, "PUT", "/organizations/acme/variables/GREETING", as: tokens["olivia"], json: #"{"value":"a\u0000--bind"}"#)
            #expect(nul.status == 400 && nul.body.contains(#""code":"invalid_value""#), "\(nul.body)")
            #expect(try await organizations.call(base, "GET", "/organizations/acme/variables", as: tokens["olivia"]).body == "[]")
            #expect(try await organizations.call(base, "GET", "/organizations/acme/environments/prod/variables", as: tokens["olivia"]).body == "[]")
            // Names that merely start alike are fine.
            #expect(try await organizations.call(base, "PUT", "/organizations/acme/variables/PATHFINDER", as: tokens["olivia"], json: #"{"value":"x"}"#).status == 200)
        }
    }

    /// The AWS secret key (and a session token) are stored sensitive even when the request says otherwise:
    /// a member never reads them.
    @Test func theAWSSecretKeyIsAlwaysSensitive() async throws {
        try await organizations.withServer { base, tokens, _ in
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYNOTSENSITIVE"
            for key in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
                let set = try await organizations.call(base, "PUT", "/organizations/acme/variables/\(key)", as: tokens["olivia"],
                                                       json: #"{"value":"\#(secret)","sensitive":false}"#)
                #expect(set.status == 200 && set.body == #"{"key":"\#(key)","sensitive":true}"#, "\(set.body)")
            }
            let listed = try await organizations.call(base, "GET", "/organizations/acme/variables", as: tokens["mario"])
            #expect(listed.status == 200 && !listed.body.contains(secret), "\(listed.body)")
        }
    }

    /// A secret key stored readable before the rule is made sensitive by the migration at the next start.
    @Test func theMigrationMakesAnOlderReadableSecretKeySensitive() async throws {
        try await RunWorld.with { world in
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSTOREDBEFORE"
            #expect(try await world.call("PUT", "/organizations/acme/variables/AWS_SECRET_ACCESS_KEY", json: #"{"value":"\#(secret)"}"#).status == 200)
            // As a server before the rule left it: readable, and the migration not yet run.
            _ = try await world.sql("UPDATE organization_variables SET sensitive = false WHERE key = 'AWS_SECRET_ACCESS_KEY'")
            _ = try await world.sql("DELETE FROM _fluent_migrations WHERE name LIKE '%MarkAWSSecretsSensitive%'")
            #expect(try await world.call("GET", "/organizations/acme/variables", as: "mario").body.contains(secret), "the setup holds")
            #expect(await world.server.stop() == 0)
            (world.server, world.base) = try await world.startAnotherServer()
            let listed = try await world.call("GET", "/organizations/acme/variables", as: "mario")
            #expect(listed.status == 200 && !listed.body.contains(secret), "\(listed.body)")
        }
    }
}
