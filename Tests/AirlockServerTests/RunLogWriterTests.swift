@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing

/// A run's log as stored: sensitive values masked however the output is cut into writes and flushes, in
/// their common encodings, and the cap kept.
@Suite struct RunLogWriterTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"

    /// What the phase's stored chunks say, in order.
    func stored(_ runID: UUID, on database: any Database) async throws -> String {
        try await RunLogChunk.query(on: database).filter(\.$run.$id == runID).filter(\.$phase == .plan).sort(\.$sequence).all()
            .map(\.text).joined()
    }

    @Test func aSecretSplitAcrossTwoWritesAndAFlushIsMasked() async throws {
        try await ServerFixture.with { fixture in
            let runID = try await fixture.run(on: try await fixture.environment()).requireID()
            let log = try await RunLogWriter(runID: runID, phase: .plan, secrets: [Self.secret], maximumBytes: 1 << 20, database: fixture.app.db)
            let line = "key=\(Self.secret) done\n"
            let cut = line.index(line.startIndex, offsetBy: 4 + Self.secret.count / 2)
            await log.append(Data(line[..<cut].utf8))
            try await log.flush()  // a timer's flush between the two halves
            await log.append(Data(line[cut...].utf8))
            try await log.finish()
            let text = try await stored(runID, on: fixture.app.db)
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(String(Self.secret.prefix(Self.secret.count / 2))), "no half of it either")
            #expect(text.hasPrefix("key="))
            #expect(text.hasSuffix(" done\n"))
        }
    }

    @Test func aSecretCutInsideAMultibyteNeighbourAndItsEncodingsAreMasked() async throws {
        try await ServerFixture.with { fixture in
            let runID = try await fixture.run(on: try await fixture.environment()).requireID()
            let log = try await RunLogWriter(runID: runID, phase: .plan, secrets: [Self.secret], maximumBytes: 1 << 20, database: fixture.app.db)
            let base64 = Data(Self.secret.utf8).base64EncodedString()
            let json = Self.secret.replacingOccurrences(of: "/", with: "\\/")
            let url = Self.secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let output = Array("ü=\(Self.secret)\nb64=\(base64)\njson=\"\(json)\"\nurl=\(url)\n".utf8)
            for byte in output { await log.append(Data([byte])) }  // one byte at a time
            try await log.finish()
            let text = try await stored(runID, on: fixture.app.db)
            for form in [Self.secret, base64, json, url] { #expect(!text.contains(form), "\(form)") }
            #expect(text.hasPrefix("ü="), "the neighbour survives whole")
        }
    }

    @Test func valuesAddedDuringThePhaseAreMaskedFromThenOn() async throws {
        try await ServerFixture.with { fixture in
            let runID = try await fixture.run(on: try await fixture.environment()).requireID()
            let log = try await RunLogWriter(runID: runID, phase: .plan, secrets: [], maximumBytes: 1 << 20, database: fixture.app.db)
            await log.masking(["ASIASESSIONKEY123"])
            await log.line("session ASIASESSIONKEY123")
            try await log.finish()
            #expect(try await !stored(runID, on: fixture.app.db).contains("ASIASESSIONKEY123"))
        }
    }

    @Test func theLogStopsAtItsCapWithAMarker() async throws {
        try await ServerFixture.with { fixture in
            let runID = try await fixture.run(on: try await fixture.environment()).requireID()
            let log = try await RunLogWriter(runID: runID, phase: .plan, secrets: [], maximumBytes: 4096, database: fixture.app.db)
            for index in 0..<200 { await log.line("line \(index) " + String(repeating: "x", count: 60)) }
            try await log.finish()
            let text = try await stored(runID, on: fixture.app.db)
            #expect(text.utf8.count < 4096 + 200)
            #expect(text.contains("The log reached its limit of 4 KiB"))
            #expect(!text.contains("line 199"))
        }
    }

    @Test func aPlanSummarysAddressesAreMaskedAndThePhaseEndsWithItsTimings() async throws {
        try await ServerFixture.with { fixture in
            let runID = try await fixture.run(on: try await fixture.environment()).requireID()
            let log = try await RunLogWriter(runID: runID, phase: .plan, secrets: [Self.secret], maximumBytes: 1 << 20, database: fixture.app.db)
            let file = PlanFileWriter.file([PlanFileWriter.change(#"terraform_data.keyed["\#(Self.secret)"]"#, .create)])
            let summary = await log.masked(PlanSummary(try SavedPlan(file)))
            #expect(summary.resources.map(\.address) == [#"terraform_data.keyed["***"]"#])
            await log.time("init", .milliseconds(1500))
            await log.time("sandbox start", .milliseconds(3))
            await log.time("sandbox start", .milliseconds(4))
            try await log.finish()
            let text = try await stored(runID, on: fixture.app.db)
            #expect(text == "[airlock] Timings: init 1.50 s · sandbox start 7 ms\n", "\(text)")
        }
    }
}
