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
        return try STSCredentialsResult.credentials(in: xml, result: "GetSessionTokenResult", endpoint: URL(string: "http://x")!)
    }

    @Test func expirationWithAndWithoutFractionalSeconds() throws {
        let whole = try credentials(expiration: "2011-07-11T19:55:29Z")
        let fractional = try credentials(expiration: "2011-07-11T19:55:29.611Z")
        #expect(whole.expiration == Date(timeIntervalSince1970: 1310414129))
        #expect(abs(fractional.expiration!.timeIntervalSince1970 - 1310414129.611) < 0.001)
        #expect(whole.sessionToken == "token&more")
    }

    /// Found by the fuzzer (Fuzz/STSXML): Foundation's XMLParser crashed the process on invalid UTF-8 in an
    /// element name. Whatever an endpoint answers, the answer is read or refused.
    @Test func malformedAnswersAreRefusedNeverCrash() {
        let crashers: [[UInt8]] = [
            Array("<ErrorResponse><Error><Message>x</Message></Error><Requ".utf8) + [0xFF, 0xFF] + Array("estId>2</RequestId></ErrorResponse>".utf8),
            Array("<GetrResponse><Error><Message>x<".utf8) + [0xD1] + Array("Message></Error></GetrResponse>".utf8),
        ]
        for bytes in crashers { #expect(XMLTree.parse(bytes) == nil) }
        for text in ["<a>", "<a></b>", "<a/><b/>", "text<a/>", "<a>&unknown;</a>", "<a>&#0;</a>", "<a x=1/>",
                     "<!DOCTYPE a [<!ENTITY e \"e\">]><a>&e;</a>", "", "<a><![CDATA[x</a>",
                     String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)] {
            #expect(XMLTree.parse(Array(text.utf8)) == nil, "\(text.prefix(40))")
        }
    }

    @Test func wellFormedAnswersAreReadAsAWSWritesThem() throws {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <R xmlns="https://sts.amazonaws.com/doc/2011-06-15/" a='1 > 0'>
              <Message>Caf\u{E9} &lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &#65;&#x42;<![CDATA[<raw> & ]]></Message>
              <Empty/>
              <ns:Named>v</ns:Named>
            </R>
            """
        let tree = try #require(XMLTree.parse(Array(text.utf8)))
        #expect(tree.name == "R")
        #expect(tree.text("Message") == "Café <tag> & \"q\" 'a' AB<raw> & ")
        #expect(tree.child("Empty")?.text == "")
        #expect(tree.text("ns:Named") == "v")
        #expect(tree.children.count == 3)
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
