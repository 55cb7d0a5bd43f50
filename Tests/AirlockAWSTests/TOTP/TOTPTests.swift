import Foundation
import Testing
import AirlockAWS

@Suite struct TOTPTests {
    /// RFC 6238 Appendix B: 8-digit codes, 30 s steps, seeds of 20, 32 and 64 bytes.
    static let appendixB: [(time: Int, code: String, algorithm: TOTP.Algorithm)] = [
        (59, "94287082", .sha1), (59, "46119246", .sha256), (59, "90693936", .sha512),
        (1111111109, "07081804", .sha1), (1111111109, "68084774", .sha256), (1111111109, "25091201", .sha512),
        (1111111111, "14050471", .sha1), (1111111111, "67062674", .sha256), (1111111111, "99943326", .sha512),
        (1234567890, "89005924", .sha1), (1234567890, "91819424", .sha256), (1234567890, "93441116", .sha512),
        (2000000000, "69279037", .sha1), (2000000000, "90698825", .sha256), (2000000000, "38618901", .sha512),
        (20000000000, "65353130", .sha1), (20000000000, "77737706", .sha256), (20000000000, "47863826", .sha512),
    ]

    static func seed(for algorithm: TOTP.Algorithm) -> [UInt8] {
        let base = Array("12345678901234567890".utf8)
        let length = switch algorithm { case .sha1: 20; case .sha256: 32; case .sha512: 64 }
        return (0..<length).map { base[$0 % base.count] }
    }

    @Test(arguments: 0..<18)
    func rfc6238AppendixB(_ row: Int) {
        let entry = Self.appendixB[row]
        let totp = TOTP(secret: Self.seed(for: entry.algorithm), algorithm: entry.algorithm, digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(entry.time))) == entry.code)
    }

    @Test func sixDigitCodesAreTheLowDigitsOfTheEightDigitOnes() {
        let totp = TOTP(secret: Self.seed(for: .sha1))
        #expect(totp.code(at: Date(timeIntervalSince1970: 59)) == "287082")
    }

    @Test func otherStepsCountFromTheirOwnBoundaries() {
        let totp = TOTP(secret: Self.seed(for: .sha1), digits: 8, step: 60)
        // Time 1111111109 with 60 s steps is counter 18518518, the same as time 1111111080 with 60 s steps.
        #expect(totp.counter(at: Date(timeIntervalSince1970: 1111111109)) == 18518518)
        #expect(totp.code(at: Date(timeIntervalSince1970: 1111111109)) == totp.code(counter: 18518518))
    }

    @Test func aCodeMatchesOneStepEitherSideAndNoFurther() {
        let totp = TOTP(secret: Self.seed(for: .sha1))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let current = totp.counter(at: now)
        #expect(totp.matchingCounter(for: totp.code(counter: current - 1), at: now) == current - 1)
        #expect(totp.matchingCounter(for: totp.code(counter: current + 1), at: now) == current + 1)
        #expect(totp.matchingCounter(for: totp.code(counter: current + 3), at: now) == nil)
        #expect(totp.matchingCounter(for: "12345", at: now) == nil)
    }

    @Test func base32RoundTripsAndIgnoresCaseAndPadding() throws {
        let bytes = Array("12345678901234567890".utf8)
        let encoded = Base32.encode(bytes)
        #expect(encoded == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(try Base32.decode(encoded.lowercased() + "====") == bytes)
        #expect(throws: Base32.DecodingError.self) { try Base32.decode("NOT*BASE32") }
    }
}
