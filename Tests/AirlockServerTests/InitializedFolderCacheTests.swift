@testable import AirlockServer
import Foundation
import Testing

/// What `init` left, kept for later phases (`InitializedFolderCache`): its key, keeping, taking and sweeping, on real files.
@Suite struct InitializedFolderCacheTests {
    static func withCache(_ body: (InitializedFolderCache, URL) throws -> Void) throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-initialized-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try body(try InitializedFolderCache(workRoot: work, secret: "test-secret", phaseTimeout: 60), work)
    }

    /// A phase's folder after `init`: a `.terraform` with a provider file, and a lock file.
    static func initialized(in work: URL, provider: String = "provider") throws -> RunWorkspace {
        let workspace = try RunWorkspace.scratch(in: work)
        let providers = workspace.folder.appendingPathComponent(".terraform/providers")
        try FileManager.default.createDirectory(at: providers, withIntermediateDirectories: true)
        try Data(provider.utf8).write(to: providers.appendingPathComponent("terraform-provider-x"))
        try Data("# lock\n".utf8).write(to: workspace.folder.appendingPathComponent(".terraform.lock.hcl"))
        return workspace
    }

    @Test func theKeyChangesWithEveryInputAndNamesNoneOfThem() throws {
        try Self.withCache { cache, _ in
            let base = cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                                 variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"])
            #expect(base == cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                                      variables: ["PATH": "/usr/bin", "TF_VAR_region": "eu-west-1"]))
            let others = [
                cache.key(archiveSHA256: "ab", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/staging", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/ls",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "us-east-1", "PATH": "/usr/bin"]),
                // Parts do not run into each other.
                cache.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1\nPATH=/usr/bin"]),
            ]
            #expect(Set(others + [base]).count == others.count + 1)
            #expect(!base.contains("eu-west-1") && base.count == 64)
            // Another server's secret, another key: a name says nothing to whoever lacks it.
            let elsewhere = try InitializedFolderCache(workRoot: cache.root.deletingLastPathComponent(), secret: "other", phaseTimeout: 60)
            #expect(elsewhere.key(archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                                  variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]) != base)
        }
    }

    @Test func whatInitLeftIsKeptTakenAgainAndPlacedReadOnlyInALaterPhase() throws {
        try Self.withCache { cache, work in
            #expect(cache.entry("k") == nil)
            var first = try Self.initialized(in: work)
            let entry = try cache.store("k", from: first)
            // The phase's own .terraform is gone: from now on it sees the kept one, bound read-only by the sandbox.
            #expect(!FileManager.default.fileExists(atPath: first.folder.appendingPathComponent(".terraform").path))
            try InitializedFolderCache.place(entry, in: &first)
            #expect(first.initialized == entry.dataFolder)
            #expect(try String(contentsOf: entry.dataFolder.appendingPathComponent("providers/terraform-provider-x"), encoding: .utf8) == "provider")

            // A later phase: an uploaded .terraform (here a link to somewhere else) and lock file make way for the kept ones.
            var later = try RunWorkspace.scratch(in: work)
            try FileManager.default.createSymbolicLink(atPath: later.folder.appendingPathComponent(".terraform").path, withDestinationPath: "/etc")
            try Data("# uploaded\n".utf8).write(to: later.folder.appendingPathComponent(".terraform.lock.hcl"))
            let taken = try #require(cache.entry("k"))
            try InitializedFolderCache.place(taken, in: &later)
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: later.folder.appendingPathComponent(".terraform").path)) == nil)
            #expect(try String(contentsOf: later.folder.appendingPathComponent(".terraform.lock.hcl"), encoding: .utf8) == "# lock\n")
            let options = try Bubblewrap(executable: "/usr/bin/bwrap", terraform: "/bin/sh", serverEnvironment: [:], readOnlyPaths: [])
                .sandboxOptions(environment: [:], workspace: later)
            let bound = try #require(options.firstIndex(of: entry.dataFolder.path))
            #expect(options[bound - 1] == "--ro-bind" && options[bound + 1] == later.folder.appendingPathComponent(".terraform").path)
            // After the working folder's own read-write binding, so it covers it.
            let folderBound = try #require(options.firstIndex(of: later.folder.path))
            #expect(bound > folderBound)
        }
    }

    @Test func aLinkInPlaceOfDotTerraformIsNotKept() throws {
        try Self.withCache { cache, work in
            let workspace = try RunWorkspace.scratch(in: work)
            try FileManager.default.createSymbolicLink(atPath: workspace.folder.appendingPathComponent(".terraform").path, withDestinationPath: "/etc")
            #expect(throws: InitializedFolderCacheError.self) { try cache.store("k", from: workspace) }
            #expect(cache.entry("k") == nil)
        }
    }

    @Test func aSecondPhaseKeepingTheSameKeyUsesTheFirstOnesEntry() throws {
        try Self.withCache { cache, work in
            let first = try cache.store("k", from: try Self.initialized(in: work, provider: "first"))
            let second = try cache.store("k", from: try Self.initialized(in: work, provider: "second"))
            #expect(first == second)
            #expect(try String(contentsOf: first.dataFolder.appendingPathComponent("providers/terraform-provider-x"), encoding: .utf8) == "first")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.root.path) == ["k"])
        }
    }

    @Test func theSweepRemovesEntriesUnusedForTheirLifetimeAndEarlierServersFolders() throws {
        try Self.withCache { cache, work in
            _ = try cache.store("old", from: try Self.initialized(in: work))
            _ = try cache.store("new", from: try Self.initialized(in: work))
            let earlier = work.appendingPathComponent(InitializedFolderCache.folderPrefix + "0123")
            try FileManager.default.createDirectory(at: earlier, withIntermediateDirectories: false)
            let past = Date().addingTimeInterval(-cache.idleLifetime - 60)
            for folder in [cache.root.appendingPathComponent("old"), earlier] {
                try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: folder.path)
            }
            cache.sweep()
            #expect(cache.entry("old") == nil)
            #expect(cache.entry("new") != nil)
            #expect(!FileManager.default.fileExists(atPath: earlier.path))
            #expect(FileManager.default.fileExists(atPath: cache.root.path))
        }
    }
}
