import AirlockTesting
import Foundation
import Testing

/// `airlock serve` as users start it: on an empty folder with its embedded SQLite.
@Suite struct ServeTests {
    @Test func startsOnAnEmptyFolderMigratesAndStopsOnSIGTERM() async throws {
        // setup
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": data.path]
        let database = try await TestDatabase.make()
        for round in 1...2 {
            // act: the second start finds the database and its migrations already there
            let server = try RunningProcess(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0"] + database.arguments, environment: environment)
            let printed = try await server.waitFor("Airlock listening on http://127.0.0.1:")
            let address = try #require(printed.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(printed[$0]) })
            #expect(printed.contains(database.url == nil ? "(SQLite at " : "(PostgreSQL at postgres://airlock@"))
            let health = try await LocalHTTP.get(address + "/healthz")
            // check
            #expect(health.status == 200, "round \(round)")
            #expect(health.body == #"{"database":"ok","status":"ok"}"#)
            #expect(database.url != nil || FileManager.default.fileExists(atPath: data.appendingPathComponent("airlock.sqlite").path))
            #expect(await server.stop() == 0)
        }
        await database.drop()
    }

    @Test func aDatabaseURLThatIsNotPostgresIsRefused() async throws {
        let result = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", "/tmp/unused-airlock", "--database-url", "mysql://x@y/z"],
                                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 255)
        #expect(result.stderr.contains("Unsupported database URL: expected postgres://user:password@host:port/database"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/unused-airlock"))
    }

    /// A region AWS could not have is refused before anything starts (it crashed the server once).
    @Test func aMalformedRegionIsRefused() async throws {
        let result = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", "/tmp/unused-airlock", "--aws-region", "eu-west-1 ; x"],
                                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--aws-region: Provided region_name 'eu-west-1 ; x' doesn't match a supported format."), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/unused-airlock"))
    }

    /// A sandbox that cannot be made stops the start, saying what to do; so does a work folder inside the
    /// data folder. Nothing listens.
    @Test func aServerWhoseRunsCannotBeIsolatedDoesNotStart() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-unsandboxable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let broken = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0", "--bwrap", "/bin/false"],
                                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(broken.status == 255)
        #expect(broken.stderr.contains("Airlock runs Terraform in a bubblewrap sandbox, and /bin/false could not make one here"), "\(broken.stderr)")
        #expect(broken.stderr.contains("Install bubblewrap") && broken.stderr.contains("--unsandboxed-runs"))
        #expect(!broken.stdout.contains("Airlock listening on"))

        let missing = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0"],
                                                  environment: ["PATH": "/nonexistent"])
        #expect(missing.status == 255)
        #expect(missing.stderr.contains("bwrap is not on PATH"), "\(missing.stderr)")

        let inside = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0",
                                                                          "--work-dir", data.appendingPathComponent("work").path],
                                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(inside.status == 255)
        #expect(inside.stderr.contains("is inside the data folder"), "\(inside.stderr)")

        // A server that may not make network namespaces (here: as nobody, with no capability) gives runs no network of
        // their own, so it does not start, and says what to do.
        let nobodyData = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-nobody-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: nobodyData) }
        let unprivileged = try await CommandRunner.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                                          AirlockBinary.path, "serve", "--data-dir", nobodyData.path,
                                                                          "--port", "0", "--unsandboxed-runs"],
                                                       environment: ["PATH": "/usr/bin:/bin", "TMPDIR": "/tmp"])
        #expect(unprivileged.status == 255)
        #expect(unprivileged.stderr.contains("A run's network namespace could not be made") && unprivileged.stderr.contains("--shared-run-network"),
                "\(unprivileged.stderr)")
        #expect(!unprivileged.stdout.contains("Airlock listening on"))

        for (allowance, message) in [("10.0.0.0/99", "give a host name, an address or a network"), ("host:0", "the port must be a number"),
                                     ("127.0.0.1", "a loopback destination needs one address and a port")] {
            let refused = try await CommandRunner.run(AirlockBinary.path, ["serve", "--data-dir", data.path, "--port", "0",
                                                                               "--run-network-allow", allowance],
                                                      environment: ["PATH": "/usr/bin:/bin"])
            #expect(refused.status == 64 && refused.stderr.contains(message), "\(allowance): \(refused.stderr)")
        }
    }

    /// The data folder is 0700 and the database and key 0600, even in a folder someone made 0755 under a
    /// permissive umask.
    @Test func theDataFolderAndItsSecretsAreTheServersAlone() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let server = try RunningProcess("/bin/sh", ["-c", "umask 022; exec \"$0\" \"$@\"", AirlockBinary.path, "serve", "--data-dir", data.path, "--port", "0"],
                                        environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": data.path])
        _ = try await server.waitFor("Airlock listening on")
        func mode(_ name: String) -> Int {
            let path = name.isEmpty ? data.path : data.appendingPathComponent(name).path
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(mode("") == 0o700)
        #expect(mode("airlock.sqlite") == 0o600)
        #expect(mode("secret.key") == 0o600)
        #expect(await server.stop() == 0)
    }
}
