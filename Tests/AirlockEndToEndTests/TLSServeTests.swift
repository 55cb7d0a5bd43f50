import AirlockTesting
import Foundation
import Testing

/// `airlock serve --tls-certificate --tls-key`: HTTPS only, and the server's runs reach its state backend
/// over HTTPS too, trusting a private CA through `SSL_CERT_FILE`.
@Suite struct TLSServeTests {
    @Test func servesHTTPSAndItsRunsUseTheStateBackendOverIt() async throws {
        try await CloudWorld.with { world in
            #expect(world.base.hasPrefix("https://127.0.0.1:"))
            #expect(try await LocalHTTP.get(world.base + "/healthz", using: world.client).status == 200)
            await #expect(throws: (any Error).self, "plain HTTP gets no answer") {
                _ = try await LocalHTTP.get(world.base.replacingOccurrences(of: "https://", with: "http://") + "/healthz")
            }
            #expect(try await world.api("POST", "/organizations/acme/environments", json: #"{"name":"prod"}"#).status == 201)
            let archive = try await TerraformConfiguration.archive(["main.tf": "resource \"terraform_data\" \"x\" {\n  input = \"tls\"\n}\n"])
            let upload = try await LocalHTTP.send("POST", world.base + "/api/v1/organizations/acme/environments/prod/configuration-versions",
                                                  headers: [("Authorization", "Bearer \(world.tokens["olivia"] ?? "")")], body: archive,
                                                  contentType: "application/gzip", using: world.client)
            #expect(upload.status == 201, "\(upload.body)")
            let queued = try await world.api("POST", "/organizations/acme/environments/prod/runs", json: #"{"message":"over TLS"}"#)
            let run = try #require(try RunWorld.field("id", of: queued.body))
            var state = try await world.waitFor(run, ["planned", "errored"])
            let planLog = try await world.api("GET", "/runs/\(run)/logs/plan").body
            #expect(state == "planned", "\(planLog)")
            // Confirm: the apply writes the state through the HTTPS backend.
            let confirmed = try await world.api("POST", "/runs/\(run)/actions/confirm", json: "{}")
            #expect(confirmed.status == 200, "\(confirmed.body)")
            state = try await world.waitFor(run, ["applied", "errored"])
            let applyLog = try await world.api("GET", "/runs/\(run)/logs/apply").body
            #expect(state == "applied", "\(applyLog)")
        }
    }

    @Test func unusableTLSFilesStopTheStartAndSayWhy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notPEM = folder.appendingPathComponent("not.pem")
        try "hello\n".write(to: notPEM, atomically: true, encoding: .utf8)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path]
        let serve = ["serve", "--data-dir", folder.appendingPathComponent("data").path, "--port", "0", "--unsandboxed-runs"]
        let onlyOne = try await CommandRunner.run(AirlockBinary.path, serve + ["--tls-certificate", notPEM.path], environment: environment)
        #expect(onlyOne.status != 0)
        #expect(onlyOne.stderr.contains("--tls-certificate and --tls-key go together"), "\(onlyOne.stderr)")
        let garbage = try await CommandRunner.run(AirlockBinary.path, serve + ["--tls-certificate", notPEM.path, "--tls-key", notPEM.path],
                                                  environment: environment)
        #expect(garbage.status == 255)
        #expect(garbage.stderr.contains("Cannot read the TLS certificate \(notPEM.path)"), "\(garbage.stderr)")
    }
}
