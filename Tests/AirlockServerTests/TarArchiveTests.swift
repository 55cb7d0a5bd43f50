@testable import AirlockServer
import Foundation
import Testing

/// The tar checks a configuration upload passes: a plain tree is read whole; anything that could write
/// outside the folder it is extracted into, or is not a plain file, directory or inward link, is refused
/// with a message naming the entry.
@Suite struct TarArchiveTests {
    func refusal(_ build: (inout TarWriter) -> Void, limits: TarArchive.Limits = TarArchive.Limits()) -> String? {
        var writer = TarWriter()
        build(&writer)
        do {
            _ = try TarArchive.entries(of: writer.archive, limits: limits)
            return nil
        } catch {
            return (error as? TarArchive.Refused)?.description ?? "unexpected \(error)"
        }
    }

    @Test func aPlainTreeIsReadWithItsKindsAndContents() throws {
        var writer = TarWriter()
        writer.add("modules/", type: "5", mode: 0o755)
        writer.add("./main.tf", contents: "terraform {}\n")
        writer.add("modules/run.sh", contents: "#!/bin/sh\n", mode: 0o755)
        writer.add("current", type: "2", link: "modules")
        let entries = try TarArchive.entries(of: writer.archive)
        #expect(entries.map(\.path) == ["modules", "main.tf", "modules/run.sh", "current"])
        #expect(entries[1].contents == Data("terraform {}\n".utf8))
        #expect(entries[2].kind == .file(executable: true))
        #expect(entries[3].kind == .symlink(target: "modules"))
    }

    @Test(arguments: [
        ("/etc/passwd", "0", ""), ("../outside.tf", "0", ""), ("a/../../outside.tf", "0", ""),
        ("escape", "2", "/etc"), ("up", "2", "../.."), ("hard", "1", "main.tf"), ("dev", "3", ""), ("fifo", "6", ""),
    ])
    func anEntryThatCouldEscapeOrIsNotPlainIsRefused(name: String, type: String, link: String) {
        let refused = refusal { $0.add(name, type: Character(type), link: link) }
        #expect(refused != nil, "\(name) (\(type)) was accepted")
    }

    @Test func linksAreResolvedThroughEachOther() {
        // y -> . is harmless alone; x -> y/.. then leaves the tree through it.
        #expect(refusal {
            $0.add("y", type: "2", link: ".")
            $0.add("x", type: "2", link: "y/..")
        } != nil)
        #expect(refusal {
            $0.add("a", type: "2", link: "b")
            $0.add("b", type: "2", link: "a")
        } != nil, "a loop")
        #expect(refusal {
            $0.add("dir", type: "2", link: "/tmp")
            $0.add("dir/file.tf", contents: "x")
        } != nil, "an entry under a link")
    }

    /// The review's archive: each link's target passes through the next link many times (`a0 -> a1/../a1/../...`,
    /// down to a folder), so resolving every path anew took 16^38 steps under the server-wide check's permit. Each
    /// link is now resolved once; the check ends, and accepts a tree that stays inside.
    @Test func linksThatPassThroughLinksManyTimesCostTheirLength() {
        #expect(refusal {
            $0.add("d/", type: "5", mode: 0o755)
            for level in 0..<38 {
                let next = "a\(level + 1)"
                $0.add("a\(level)", type: "2", link: Array(repeating: next, count: 12).joined(separator: "/../"))
            }
            $0.add("a38", type: "2", link: "d")
        } == nil)
        // A chain deeper than Linux follows (40 links) is refused as a loop would be.
        #expect(refusal {
            $0.add("d/", type: "5", mode: 0o755)
            for level in 0..<45 { $0.add("c\(level)", type: "2", link: "c\(level + 1)") }
            $0.add("c45", type: "2", link: "d")
        } != nil)
    }

    @Test func limitsAndDamageAreRefusedWithAMessage() {
        var limits = TarArchive.Limits()
        limits.maximumEntries = 2
        #expect(refusal({ for index in 0..<3 { $0.add("f\(index).tf") } }, limits: limits)?.contains("more than 2 entries") == true)
        limits = TarArchive.Limits()
        limits.maximumBytes = 1 << 20
        #expect(refusal({ $0.add("big.tf", contents: String(repeating: "x", count: (1 << 20) + 1)) }, limits: limits)?.contains("MiB") == true)
        var damaged = TarWriter()
        damaged.add("main.tf", contents: "x")
        var bytes = [UInt8](damaged.archive)
        bytes[0] ^= 0xFF
        #expect(throws: TarArchive.Refused.self) { try TarArchive.entries(of: Data(bytes)) }
        #expect(throws: TarArchive.Refused.self) { try TarArchive.entries(of: Data(bytes.prefix(700))) }
    }
}
