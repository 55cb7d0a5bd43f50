import Foundation
import Testing
@testable import AirlockAWS
#if canImport(Glibc)
import Glibc
#endif

/// CI #6 of 2026-12-06: under load a reader thread ran more than two seconds after its child ended, gave up before
/// reading, and every command's output came back empty. What a child wrote is read however late the reader runs.
@Suite struct ChildPipeTests {
    @Test func whatIsInThePipeIsReadEvenWhenTheReaderHasAlreadyGivenUp() async throws {
        let pipe = try ChildPipe()
        let written = Data(repeating: UInt8(ascii: "x"), count: 40_000) + Data("end\n".utf8)
        written.withUnsafeBytes { _ = DescriptorWrite.all($0, to: pipe.writeEnd) }
        close(pipe.writeEnd)
        #expect(await ChildPipe.readAll(from: pipe.readEnd, givingUp: { true }) == written)
    }

    @Test func aWriterThatNeverStopsIsLeftOnceGivenUp() async throws {
        let pipe = try ChildPipe()
        let chunk = Data(repeating: UInt8(ascii: "y"), count: 1000)
        chunk.withUnsafeBytes { _ = DescriptorWrite.all($0, to: pipe.writeEnd) }
        // The write end stays open (a daemon holding it): the reader takes what is there and stops.
        #expect(await ChildPipe.readAll(from: pipe.readEnd, givingUp: { true }) == chunk)
        close(pipe.writeEnd)
    }
}
