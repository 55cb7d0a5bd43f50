import AirlockTesting
import Foundation
import Testing

/// Configuration uploads that could escape a run's folder or exhaust the server are refused with a clear
/// message, and nothing is stored. The archives are made with Python's tarfile, as an attacker would.
@Suite struct ArchiveSafetyTests {
    /// Builds a .tar.gz with Python: `script` gets `tar` (a tarfile opened for writing) and `add(name, data)`.
    static func archive(_ script: String) async throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-archive-\(UUID().uuidString).tar.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        let program = """
            import io, sys, tarfile
            tar = tarfile.open(sys.argv[1], "w:gz")
            def add(name, data=b"", **fields):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                for key, value in fields.items():
                    setattr(info, key, value)
                tar.addfile(info, io.BytesIO(data) if data else None)
            add("main.tf", b'output "x" { value = 1 }\\n')
            \(script)
            tar.close()
            """
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", program, file.path],
                                                 environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else { throw TestServerError.didNotStart("python3 tarfile", output: result.stderr) }
        return try Data(contentsOf: file)
    }

    @Test func unsafeArchivesAreRefusedAndNothingIsStored() async throws {
        try await RunWorld.with { world in
            let cases: [(String, String)] = [
                (#"add("/etc/cron.d/evil", b"x")"#, "/etc/cron.d/evil is an absolute path."),
                (#"add("modules/../../escape.tf", b"x")"#, "modules/../../escape.tf leads out of the archive's folder (..)."),
                (#"add("link", type=tarfile.SYMTYPE, linkname="../../etc")"#, "link links outside the archive's folder (../../etc)."),
                (#"add("abs", type=tarfile.SYMTYPE, linkname="/etc/passwd")"#, "abs links to an absolute path (/etc/passwd)."),
                (#"add("hard", type=tarfile.LNKTYPE, linkname="main.tf")"#, "hard is a hard link"),
                (#"add("tty", type=tarfile.CHRTYPE, devmajor=4, devminor=1)"#, "tty is a device."),
                (#"add("pipe", type=tarfile.FIFOTYPE)"#, "pipe is a FIFO."),
                // The check follows the archive in order, as extraction does: a link, an entry under it, then a folder of its name.
                (#"add("d", type=tarfile.SYMTYPE, linkname=".."); add("d/file", b"x"); add("d", type=tarfile.DIRTYPE)"#,
                 "d/file lies under the symbolic link d."),
                (#"add("f", b"x"); add("f/g", b"y")"#, "f/g lies under the file f."),
                (#"add("m", type=tarfile.DIRTYPE); add("m", type=tarfile.SYMTYPE, linkname=".")"#, "m would replace a folder of the archive."),
                ("for i in range(10001): add(f\"f{i}\", b\"x\")", "it has more than 10000 entries."),
                (#"add("zeros.bin", bytes(130 * 1024 * 1024))"#, "more than 128 MiB"),
                // Links that each look harmless as text and together lead out of the tree, then a file through them.
                ("""
                add("y", type=tarfile.SYMTYPE, linkname=".")
                add("x", type=tarfile.SYMTYPE, linkname="y/..")
                add("w", type=tarfile.SYMTYPE, linkname="x/..")
                add("w/FILE", b"x")
                """, "w/FILE lies under the symbolic link w."),
                ("""
                add("y", type=tarfile.SYMTYPE, linkname=".")
                add("x", type=tarfile.SYMTYPE, linkname="y/..")
                """, "x links outside the archive's folder (y/..)."),
                // The same chain, the links declared in the opposite order.
                ("""
                add("x", type=tarfile.SYMTYPE, linkname="sub/y/../..")
                add("sub/y", type=tarfile.SYMTYPE, linkname="..")
                """, "x links outside the archive's folder (sub/y/../..)."),
                ("""
                add("a", type=tarfile.SYMTYPE, linkname="b")
                add("b", type=tarfile.SYMTYPE, linkname="a/c")
                """, "is part of a loop of symbolic links."),
                // A folder entry through a link that stays inside is refused too: nothing is written through a link.
                ("""
                add("d", type=tarfile.SYMTYPE, linkname="modules")
                add("modules", type=tarfile.DIRTYPE)
                add("d/inner.tf", b"x")
                """, "d/inner.tf lies under the symbolic link d."),
                // Override files could replace the backend Airlock sets; Airlock's own names are its own.
                (#"add("zzz_override.tf", b'terraform {\n backend "local" {}\n}\n')"#, "zzz_override.tf is an override file at the top level."),
                (#"add("override.tf.json", b'{}')"#, "override.tf.json is an override file at the top level."),
                (#"add("airlock_backend_override.tf", b'')"#, "airlock_backend_override.tf is a name Airlock writes itself"),
                (#"add("airlock.tfplan", type=tarfile.SYMTYPE, linkname="main.tf")"#, "airlock.tfplan is a name Airlock writes itself"),
            ]
            for (script, message) in cases {
                let response = try await world.upload(try await Self.archive(script))
                #expect(response.status == 422, "\(script): \(response.body)")
                #expect(response.body.contains(#""code":"invalid_archive""#), "\(script)")
                #expect(response.body.contains(message), "\(script): \(response.body)")
            }
            let notGzip = try await world.upload(Data("just text".utf8))
            #expect(notGzip.status == 422)
            #expect(notGzip.body.contains("it is not gzip-compressed"))
            let noTerraform = try await world.upload(["README.md": "nothing here"])
            #expect(noTerraform.body.contains("it has no .tf or .tf.json file at its top level."))
            let listed = try await world.call("GET", "/organizations/acme/environments/prod/configuration-versions")
            #expect(listed.body == "[]")
            // A link that stays inside the tree is fine.
            let inside = try await world.upload(try await Self.archive(#"add("modules/self", type=tarfile.SYMTYPE, linkname="../main.tf")"#))
            #expect(inside.status == 201, "\(inside.body)")
            // So are override files inside modules (Terraform merges them into the module, not the root).
            let moduleOverride = try await world.upload(try await Self.archive(#"add("modules/net/x_override.tf", b'locals {}')"#))
            #expect(moduleOverride.status == 201, "\(moduleOverride.body)")
            let big = try await LocalHTTP.send("POST", world.base + "/api/v1/organizations/acme/environments/prod/configuration-versions",
                                               headers: [("Authorization", "Bearer \(world.tokens["olivia"]!)")],
                                               body: Data(count: 17 << 20), contentType: "application/gzip")
            #expect(big.status == 413)
        }
    }
}
