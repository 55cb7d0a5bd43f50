import AirlockTesting
import AsyncHTTPClient
import Foundation
import Testing

/// `airlock serve --tls-certificate --tls-key`: HTTPS only, and the server's runs reach its state backend
/// over HTTPS too, trusting a private CA through `SSL_CERT_FILE`.
@Suite struct TLSServeTests {
    @Test func servesHTTPSAndItsRunsUseTheStateBackendOverIt() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        var fixture = ServerProcessFixture()
        fixture.extraEnvironment["SSL_CERT_FILE"] = authority.certificateFile.path
        defer { try? FileManager.default.removeItem(at: fixture.data) }
        let database = try await TestDatabase.make()
        let client = authority.client()
        do {
            let tokens = try await fixture.prepareUsers(database)
            let terraform = try await TerraformVersion.v1_15.executable()
            let (server, base) = try await fixture.startServer(database, arguments: RunWorld.fast + [
                "--terraform-bin", terraform,
                "--tls-certificate", authority.serverCertificateFile.path, "--tls-key", authority.serverKeyFile.path,
            ])
            #expect(base.hasPrefix("https://127.0.0.1:"))
            #expect(try await LocalHTTP.get(base + "/healthz", using: client).status == 200)
            await #expect(throws: (any Error).self, "plain HTTP gets no answer") {
                _ = try await LocalHTTP.get(base.replacingOccurrences(of: "https://", with: "http://") + "/healthz")
            }
            let owner = [("Authorization", "Bearer \(tokens["olivia"] ?? "")")]
            let api = base + "/api/v1/organizations/acme/environments"
            #expect(try await LocalHTTP.send("POST", api, headers: owner, json: #"{"name":"prod"}"#, using: client).status == 201)
            let archive = try await TerraformConfiguration.archive(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"tls\"\n}\n"])
            let upload = try await LocalHTTP.send("POST", api + "/prod/configuration-versions", headers: owner, body: archive,
                                                  contentType: "application/gzip", using: client)
            #expect(upload.status == 201, "\(upload.body)")
            let queued = try await LocalHTTP.send("POST", api + "/prod/runs", headers: owner, json: #"{"message":"over TLS"}"#, using: client)
            let run = try #require(try RunWorld.field("id", of: queued.body))
            var state = ""
            for _ in 0..<600 where !["planned", "errored"].contains(state) {
                try await Task.sleep(for: .milliseconds(200))
                state = try RunWorld.field("state", of: try await LocalHTTP.get(base + "/api/v1/runs/\(run)", headers: owner, using: client).body) ?? ""
            }
            let log = try await LocalHTTP.get(base + "/api/v1/runs/\(run)/logs/plan", headers: owner, using: client).body
            #expect(state == "planned", "\(log)")
            // Confirm: the apply writes the state through the HTTPS backend.
            let confirmed = try await LocalHTTP.send("POST", base + "/api/v1/runs/\(run)/actions/confirm", headers: owner, json: "{}", using: client)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            for _ in 0..<600 where !["applied", "errored"].contains(state) {
                try await Task.sleep(for: .milliseconds(200))
                state = try RunWorld.field("state", of: try await LocalHTTP.get(base + "/api/v1/runs/\(run)", headers: owner, using: client).body) ?? ""
            }
            let applyLog = try await LocalHTTP.get(base + "/api/v1/runs/\(run)/logs/apply", headers: owner, using: client).body
            #expect(state == "applied", "\(applyLog)")
            #expect(await server.stop() == 0)
        } catch {
            try? await client.shutdown()
            await database.drop()
            throw error
        }
        try await client.shutdown()
        await database.drop()
    }

    @Test func unusableTLSFilesStopTheStartAndSayWhy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notPEM = folder.appendingPathComponent("not.pem")
        try "hello\n".write(to: notPEM, atomically: true, encoding: .utf8)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path]
        let serve = ["serve", "--data-dir", folder.appendingPathComponent("data").path, "--port", "0", "--unsandboxed-runs"]
        let onlyOne = try await CommandRunner.run(CLIWorld.airlockBinary, serve + ["--tls-certificate", notPEM.path], environment: environment)
        #expect(onlyOne.status != 0)
        #expect(onlyOne.stderr.contains("--tls-certificate and --tls-key go together"), "\(onlyOne.stderr)")
        let garbage = try await CommandRunner.run(CLIWorld.airlockBinary, serve + ["--tls-certificate", notPEM.path, "--tls-key", notPEM.path],
                                                  environment: environment)
        #expect(garbage.status == 255)
        #expect(garbage.stderr.contains("Cannot read the TLS certificate \(notPEM.path)"), "\(garbage.stderr)")
    }
}
