@testable import AirlockServer
import Foundation
import Testing

/// What `init` left, kept for later phases (`InitializedFolderCache`): its key, keeping, taking and sweeping, on real files.
@Suite struct InitializedFolderCacheTests {
    static let environment = UUID()
    static let organization = UUID()

    static func withCache(capacity: Int = 8, _ body: (InitializedFolderCache, URL) throws -> Void) throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-initialized-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try body(try InitializedFolderCache(workRoot: work, secret: "test-secret", phaseTimeout: 60, capacity: capacity), work)
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
            let base = cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                                 variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"])
            #expect(base == cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                                      variables: ["PATH": "/usr/bin", "TF_VAR_region": "eu-west-1"]))
            let others = [
                cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "ab", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/staging", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/ls",
                          variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "us-east-1", "PATH": "/usr/bin"]),
                // Another environment (a deleted one's name reused), another organization.
                cache.key(environment: UUID(), organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod",
                          terraform: "/bin/sh", variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                cache.key(environment: Self.environment, organization: UUID(), archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod",
                          terraform: "/bin/sh", variables: ["TF_VAR_region": "eu-west-1", "PATH": "/usr/bin"]),
                // Parts do not run into each other.
                cache.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
                          variables: ["TF_VAR_region": "eu-west-1\nPATH=/usr/bin"]),
            ]
            #expect(Set(others + [base]).count == others.count + 1)
            #expect(!base.contains("eu-west-1") && base.count == 64)
            // Another server's secret, another key: a name says nothing to whoever lacks it.
            let elsewhere = try InitializedFolderCache(workRoot: cache.root.deletingLastPathComponent(), secret: "other", phaseTimeout: 60)
            #expect(elsewhere.key(environment: Self.environment, organization: Self.organization, archiveSHA256: "aa", backendAddress: "http://127.0.0.1:81/state/acme/prod", terraform: "/bin/sh",
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

    @Test func aLinkIntoThePhasesOwnFolderIsNotKept() throws {
        try Self.withCache { cache, work in
            // As `init` links providers bundled in the configuration (terraform.d/plugins): into this phase's folder only.
            let workspace = try Self.initialized(in: work)
            let bundled = workspace.folder.appendingPathComponent("terraform.d/plugins")
            try FileManager.default.createDirectory(at: bundled, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: workspace.folder.appendingPathComponent(".terraform/providers/bundled").path,
                                                       withDestinationPath: bundled.path)
            #expect(throws: InitializedFolderCacheError.self) { try cache.store("k", from: workspace) }
            #expect(FileManager.default.fileExists(atPath: workspace.folder.appendingPathComponent(".terraform/providers").path), "the phase keeps its own")
            // A link to a shared place every phase sees at the same path (a plugin cache) is kept.
            let cached = try Self.initialized(in: work)
            try FileManager.default.createSymbolicLink(atPath: cached.folder.appendingPathComponent(".terraform/providers/cached").path,
                                                       withDestinationPath: "/usr/share")
            _ = try cache.store("k", from: cached)
        }
    }

    @Test func atMostTheCapacityIsKeptLeastRecentlyUsedFirstAndNoneInUse() throws {
        try Self.withCache(capacity: 2) { cache, work in
            let first = try cache.store("first", from: try Self.initialized(in: work))
            let second = try cache.store("second", from: try Self.initialized(in: work))
            cache.release(second)
            let past = Date().addingTimeInterval(-600)
            for name in ["first", "second"] {
                try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: cache.root.appendingPathComponent(name).path)
            }
            // "first" is older but in use: "second" makes way.
            let third = try cache.store("third", from: try Self.initialized(in: work))
            #expect(FileManager.default.fileExists(atPath: first.dataFolder.path))
            #expect(cache.entry("second") == nil)
            cache.release(first)
            cache.release(third)
            // Nothing in use now: the least recently used goes.
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: cache.root.appendingPathComponent("first").path)
            _ = try cache.store("fourth", from: try Self.initialized(in: work))
            #expect(cache.entry("first") == nil)
            #expect(cache.entry("third") != nil && cache.entry("fourth") != nil)
        }
    }

    @Test func theSweepRemovesEntriesUnusedForTheirLifetimeAndEarlierServersFolders() throws {
        try Self.withCache { cache, work in
            let inUse = try cache.store("in-use", from: try Self.initialized(in: work))
            cache.release(try cache.store("old", from: try Self.initialized(in: work)))
            cache.release(try cache.store("new", from: try Self.initialized(in: work)))
            let earlier = work.appendingPathComponent(InitializedFolderCache.folderPrefix + "0123")
            try FileManager.default.createDirectory(at: earlier, withIntermediateDirectories: false)
            let past = Date().addingTimeInterval(-cache.idleLifetime - 60)
            for folder in [cache.root.appendingPathComponent("old"), inUse.folder, earlier] {
                try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: folder.path)
            }
            cache.sweep()
            #expect(cache.entry("old") == nil)
            #expect(cache.entry("in-use") != nil, "a phase still uses it")
            #expect(cache.entry("new") != nil)
            #expect(!FileManager.default.fileExists(atPath: earlier.path))
            #expect(FileManager.default.fileExists(atPath: cache.root.path))
        }
    }
}
