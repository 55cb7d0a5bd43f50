@testable import AirlockServer
import Testing

/// A limit the kernel refused a run's program is read from the phase's output, whatever pieces it arrives in.
@Suite struct ResourceExhaustionTests {
    @Test func symptomsAreFoundAcrossPiecesAndNamedWithTheServersLimits() {
        var scanner = ResourceExhaustion.Scanner()
        for piece in ["terraform_data.work (local-exec): head: error writing 'standard output': No sp", "ace left on dev", "ice\n"] {
            scanner.scan(Array(piece.utf8))
        }
        #expect(scanner.found == [.space])
        scanner.scan(Array("OSError: [Errno 24] Too many open files: '/dev/null'".utf8))
        #expect(scanner.found == [.space, .openFiles])
        var limits = RunLimits()
        limits.tmpBytes = 16 << 20
        limits.openFiles = 512
        #expect(ResourceExhaustion.space.explanation(limits).contains("its /tmp holds 16 MiB"))
        #expect(ResourceExhaustion.openFiles.explanation(limits).contains("may have 512 open"))
    }

    @Test func ordinaryOutputNamesNoLimit() {
        var scanner = ResourceExhaustion.Scanner()
        scanner.scan(Array("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\nNo space here, no files opened.\n".utf8))
        #expect(scanner.found.isEmpty)
    }
}
