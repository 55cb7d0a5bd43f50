import Foundation
import Testing
@testable import AirlockAWS

@Suite struct STSResponseParsingTests {
    func credentials(expiration: String) throws -> AWSCredentials {
        let xml = try #require(XMLTree.parse(Array("""
            <GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetSessionTokenResult>
                <Credentials>
                  <SessionToken>token&amp;more</SessionToken>
                  <SecretAccessKey>secret</SecretAccessKey>
                  <Expiration>\(expiration)</Expiration>
                  <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
                </Credentials>
              </GetSessionTokenResult>
            </GetSessionTokenResponse>
            """.utf8)))
        return try STSClient.credentials(in: xml, result: "GetSessionTokenResult", endpoint: URL(string: "http://x")!)
    }

    @Test func expirationWithAndWithoutFractionalSeconds() throws {
        let whole = try credentials(expiration: "2011-07-11T19:55:29Z")
        let fractional = try credentials(expiration: "2011-07-11T19:55:29.611Z")
        #expect(whole.expiration == Date(timeIntervalSince1970: 1310414129))
        #expect(abs(fractional.expiration!.timeIntervalSince1970 - 1310414129.611) < 0.001)
        #expect(whole.sessionToken == "token&more")
    }

    @Test func anUnreadableExpirationIsAnError() {
        #expect(throws: AWSTransportError.self) { try credentials(expiration: "tomorrow") }
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "very-secret", sessionToken: "also-secret")
        for text in ["\(credentials)", String(reflecting: credentials), "\([credentials])"] {
            #expect(!text.contains("very-secret") && !text.contains("also-secret"))
            #expect(text.contains("ASIAEXAMPLE"))
        }
    }
}

@Suite struct ISO8601TimestampTests {
    @Test func readsEveryFormAWSWrites() {
        let expected = Date(timeIntervalSince1970: 1310414129)
        #expect(ISO8601Timestamp.parse("2011-07-11T19:55:29Z") == expected)
        #expect(ISO8601Timestamp.parse("2011-07-11T19:55:29UTC") == expected)
        #expect(ISO8601Timestamp.parse("2011-07-11T19:55:29+00:00") == expected)
        #expect(ISO8601Timestamp.parse("2011-07-11T21:55:29+02:00") == expected)
        #expect(ISO8601Timestamp.parse("2011-07-11T19:55:29.5Z") == expected.addingTimeInterval(0.5))
        #expect(ISO8601Timestamp.format(expected) == "2011-07-11T19:55:29Z")
    }

    @Test func refusesWhatIsNotATimestamp() {
        for text in ["", "tomorrow", "2011-13-11T19:55:29Z", "2011-07-11T19:55:29", "2011-07-11T19:55:29.Z", "2011-07-11 19:55"] {
            #expect(ISO8601Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
