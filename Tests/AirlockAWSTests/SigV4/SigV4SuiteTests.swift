import Foundation
import Testing
@testable import AirlockAWS

/// AWS's official SigV4 test suite: every case, in header and in presigned query form, must give the
/// expected canonical request, string to sign and signature byte for byte.
///
/// Unsupported cases: none. (Were one added, it would be listed here with its reason.)
@Suite struct SigV4SuiteTests {
    static let unsupported: [String: String] = [:]

    @Test func theSuiteIsComplete() {
        #expect(SigV4SuiteCase.names.count == 38, "expected the 38 cases in \(SigV4SuiteCase.folder.path)")
    }

    @Test(arguments: SigV4SuiteCase.names)
    func headerForm(_ name: String) throws {
        try #require(Self.unsupported[name] == nil)
        let suiteCase = try SigV4SuiteCase(name: name)
        let signed = suiteCase.signer.signHeaders(suiteCase.request, date: suiteCase.date)
        #expect(signed.canonicalRequest == (try suiteCase.expected("header-canonical-request.txt")))
        #expect(signed.stringToSign == (try suiteCase.expected("header-string-to-sign.txt")))
        #expect(signed.signature == (try suiteCase.expected("header-signature.txt")))
        let expectedAuthorization = try suiteCase.expected("header-signed-request.txt")
            .components(separatedBy: "\n").first { $0.hasPrefix("Authorization:") }
        #expect("Authorization:" + (signed.header("Authorization") ?? "") == expectedAuthorization)
    }

    @Test(arguments: SigV4SuiteCase.names)
    func presignedQueryForm(_ name: String) throws {
        try #require(Self.unsupported[name] == nil)
        let suiteCase = try SigV4SuiteCase(name: name)
        let signed = suiteCase.signer.presign(
            suiteCase.request, expires: suiteCase.context.expiration_in_seconds, date: suiteCase.date
        )
        #expect(signed.canonicalRequest == (try suiteCase.expected("query-canonical-request.txt")))
        #expect(signed.stringToSign == (try suiteCase.expected("query-string-to-sign.txt")))
        #expect(signed.signature == (try suiteCase.expected("query-signature.txt")))
        #expect(signed.query.last { $0.name == "X-Amz-Signature" }?.value == (try suiteCase.expected("query-signature.txt")))
    }
}
