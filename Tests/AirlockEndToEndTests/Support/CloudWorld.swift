import AirlockTesting
import AsyncHTTPClient
import Foundation
import Testing

/// A server on HTTPS with a throwaway CA, and a folder whose `main.tf` names it in a `cloud` block.
struct CloudWorld {
    let authority: TestCertificateAuthority
    let fixture: ServerProcessFixture
    let database: TestDatabase
    let tokens: [String: String]
    let server: RunningProcess
    let base: String
    let client: HTTPClient
    let folder: URL

    var host: String { "localhost:" + (base.split(separator: ":").last.map(String.init) ?? "") }

    /// `terraform ARGUMENTS` in a folder of `main.tf` naming `workspace` (with `resources` after the cloud block),
    /// with `user`'s token (or `token`).
    func terraform(_ arguments: [String], workspace: String = "production", as user: String = "olivia",
                   token: String? = nil, resources: String = #"output "greeting" { value = "hello" }"#,
                   stdin: String? = nil, version: TerraformVersion = .v1_15) async throws -> CommandRunner.Result {
        let (executable, all, environment) = try await command(arguments, workspace: workspace, as: user, token: token, resources: resources,
                                                               version: version)
        return try await CommandRunner.run(executable, all, environment: environment, stdin: stdin)
    }

    /// The same, started in the background (to be interrupted, or watched while it waits).
    func startTerraform(_ arguments: [String], workspace: String = "production", resources: String,
                        version: TerraformVersion = .v1_15) async throws -> RunningProcess {
        let (executable, all, environment) = try await command(arguments, workspace: workspace, as: "olivia", token: nil, resources: resources,
                                                               version: version)
        return try RunningProcess(executable, all, environment: environment)
    }

    /// `terraform login` and what follows: no credentials block, a browser that writes the URL it is asked to
    /// open into `browserLog`, HOME in `home` (where Terraform keeps the token it receives).
    func loginCommand(_ arguments: [String], home: URL, browserLog: URL) async throws -> (String, [String], [String: String]) {
        let bin = home.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        // Where Terraform keeps credentials.tfrc.json (it does not make the folder itself).
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".terraform.d"), withIntermediateDirectories: true)
        let opener = bin.appendingPathComponent("xdg-open")
        try "#!/bin/sh\nprintf '%s' \"$1\" > '\(browserLog.path)'\n".write(to: opener, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: opener.path)
        try """
            terraform {
              cloud {
                hostname     = "\(host)"
                organization = "acme"
                workspaces { name = "production" }
              }
            }
            output "greeting" { value = "hello" }
            """.write(to: home.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        // No TF_CLI_CONFIG_FILE: with it set, Terraform does not read the CLI folder where login saves the token.
        let environment = [
            "PATH": bin.path + ":" + PythonInstallation.path(ProcessInfo.processInfo.environment["PATH"]), "HOME": home.path,
            "SSL_CERT_FILE": authority.certificateFile.path, "CHECKPOINT_DISABLE": "1", "DISPLAY": ":0",
        ]
        return (try await TerraformVersion.v1_15.executable(), ["-chdir=\(home.path)"] + arguments + ["-no-color"], environment)
    }

    /// The executable, arguments and environment of `terraform ARGUMENTS` (`terraform(_:)` runs it; a terminal test types into it).
    func command(_ arguments: [String], workspace: String = "production", as user: String = "olivia", token: String? = nil, resources: String,
                 version: TerraformVersion = .v1_15) async throws -> (String, [String], [String: String]) {
        let work = folder.appendingPathComponent("\(workspace)-\(user)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // Terraform 1.0 knows only the `remote` backend; 1.1 and later the `cloud` block.
        try """
            terraform {
              \(version == .v1_0 ? #"backend "remote""# : "cloud") {
                hostname     = "\(host)"
                organization = "acme"
                workspaces { name = "\(workspace)" }
              }
            }
            \(resources)
            """.write(to: work.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        let configuration = work.appendingPathComponent("terraformrc")
        try "credentials \"\(host)\" {\n  token = \"\(token ?? tokens[user] ?? "")\"\n}\n".write(to: configuration, atomically: true, encoding: .utf8)
        let environment = [
            "PATH": PythonInstallation.path(ProcessInfo.processInfo.environment["PATH"]), "HOME": work.path,
            "TF_CLI_CONFIG_FILE": configuration.path, "SSL_CERT_FILE": authority.certificateFile.path,
            "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
        ]
        return (try await version.executable(), ["-chdir=\(work.path)"] + arguments + ["-no-color"], environment)
    }

    func api(_ method: String, _ path: String, json: String? = nil, as user: String = "olivia") async throws -> LocalHTTP.Response {
        try await LocalHTTP.send(method, base + "/api/v1" + path, headers: [("Authorization", "Bearer \(tokens[user] ?? "")")], json: json,
                                 using: client)
    }

    /// `airlock ARGUMENTS` as `user`, against this server (trusting its CA through SSL_CERT_FILE).
    func airlock(_ arguments: [String], as user: String = "olivia") async throws -> CommandRunner.Result {
        let home = folder.appendingPathComponent("airlock-\(user)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try await CommandRunner.run(AirlockBinary.path, arguments, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path, "AIRLOCK_SERVER": base,
            "AIRLOCK_TOKEN": tokens[user] ?? "", "SSL_CERT_FILE": authority.certificateFile.path,
        ])
    }

    /// The environment's newest run, as the API shows it.
    /// One run as the API describes it (with its events, approvals and policy check).
    func run(_ id: String) async throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try await api("GET", "/runs/\(id)").body.utf8)) as? [String: Any]) ?? [:]
    }

    func newestRun(in environment: String = "production") async throws -> [String: Any]? {
        let runs = try await api("GET", "/organizations/acme/environments/\(environment)/runs")
        return (try JSONSerialization.jsonObject(with: Data(runs.body.utf8)) as? [[String: Any]])?.first
    }

    /// Polls `condition` every 200 ms for as long as run `watched` (by default the environment's newest) makes
    /// progress (a new state or event, more log: see `RunWorld.waitFor`); returns whether it came true.
    func eventually(watching watched: String? = nil, in environment: String = "production",
                    _ condition: () async throws -> Bool) async throws -> Bool {
        var deadline = ProgressDeadline(stalledAfter: 240)
        var polls = 0
        var mark = ""
        while true {
            if try await condition() { return true }
            if polls % 5 == 0 {
                let id: String? = if let watched { watched } else { try await newestRun(in: environment)?["id"] as? String }
                if let id {
                    let detail = try await api("GET", "/runs/\(id)").body
                    let logs = try await api("GET", "/runs/\(id)/logs/plan").body.utf8.count + api("GET", "/runs/\(id)/logs/apply").body.utf8.count
                    mark = "\(detail) \(logs)"
                }
            }
            polls += 1
            guard deadline.keepWaiting(seeing: mark) else { return false }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits (see `eventually`) until run `id` is in one of `states`; returns the state it reached.
    func waitFor(_ id: String, _ states: Set<String>) async throws -> String {
        var state = ""
        _ = try await eventually(watching: id) {
            state = try RunWorld.field("state", of: try await api("GET", "/runs/\(id)").body) ?? ""
            return states.contains(state)
        }
        return state
    }

    static func with(serveArguments: [String] = [], _ body: (CloudWorld) async throws -> Void) async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        var fixture = ServerProcessFixture()
        fixture.extraEnvironment["SSL_CERT_FILE"] = authority.certificateFile.path
        defer { try? FileManager.default.removeItem(at: fixture.data) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-tfcli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestDatabase.make()
        let client = authority.client()
        do {
            let tokens = try await fixture.prepareUsers(database)
            let (server, base) = try await fixture.startServer(database, arguments: RunWorld.fast + [
                "--terraform-bin", try await TerraformVersion.v1_15.executable(), "--hostname", "127.0.0.1",
                "--tls-certificate", authority.serverCertificateFile.path, "--tls-key", authority.serverKeyFile.path,
            ] + serveArguments)
            try await body(CloudWorld(authority: authority, fixture: fixture, database: database, tokens: tokens, server: server,
                                      base: base, client: client, folder: folder))
            #expect(await server.stop() == 0)
        } catch {
            try? await client.shutdown()
            await database.drop()
            throw error
        }
        try await client.shutdown()
        await database.drop()
    }
}
