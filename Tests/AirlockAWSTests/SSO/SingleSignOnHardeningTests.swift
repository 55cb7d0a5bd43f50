import Foundation
import Testing
@testable import AirlockAWS

/// The attacker's read of the Identity Center change: where tokens may go, and answers that must not crash or paint the
/// terminal.
@Suite struct SingleSignOnHardeningTests {
    static let config = try! SharedConfig(configText: """
        [profile emulated]
        endpoint_url = http://localhost:4566
        sso_session = corp

        [services corp-endpoints]
        sso =
          endpoint_url = https://portal.example.test
        sso_oidc =
          endpoint_url = https://oidc.example.test

        [profile pointed]
        services = corp-endpoints
        """, configPath: "config")

    /// An emulator's all-services endpoint (LocalStack) never receives Identity Center's tokens; a URL given for
    /// Identity Center itself does.
    @Test func tokensGoOnlyWhereIdentityCenterItselfWasPointed() throws {
        let emulated = Self.config.profiles["emulated"]
        let everything = ["AWS_ENDPOINT_URL": "http://localhost:4566"]
        #expect(try SSOEndpoints.portal(region: "eu-west-1", profile: emulated, config: Self.config, environment: everything).absoluteString
            == "https://portal.sso.eu-west-1.amazonaws.com")
        #expect(try SSOEndpoints.oidc(region: "eu-west-1", profile: emulated, config: Self.config, environment: [:]).absoluteString
            == "https://oidc.eu-west-1.amazonaws.com")
        // STS still follows both, as botocore does.
        #expect(try STSEndpoint.resolve(region: "eu-west-1", profile: emulated, config: Self.config, environment: [:]).url.absoluteString
            == "http://localhost:4566")
        let pointed = Self.config.profiles["pointed"]
        #expect(try SSOEndpoints.portal(region: "eu-west-1", profile: pointed, config: Self.config, environment: [:]).absoluteString
            == "https://portal.example.test")
        #expect(try SSOEndpoints.oidc(region: "eu-west-1", profile: pointed, config: Self.config,
                                      environment: ["AWS_ENDPOINT_URL_SSO_OIDC": "https://oidc.other.test"]).absoluteString
            == "https://oidc.other.test")
        #expect(throws: STSEndpoint.InvalidRegion.self) {
            try SSOEndpoints.portal(region: "evil.example.com/", profile: nil, config: Self.config, environment: [:])
        }
    }

    /// A hostile expiry (1e300 ms, or far before 1970) is written as the years' bounds instead of trapping.
    @Test func anyDateFormatsWithoutTrapping() {
        #expect(AWSTimestamp(Date(timeIntervalSince1970: 1e300)).iso8601 == "9999-12-31T23:59:59Z")
        #expect(AWSTimestamp(Date(timeIntervalSince1970: -1e14)).iso8601 == "1970-01-01T00:00:00Z")
        #expect(AWSTimestamp(Date(timeIntervalSince1970: .nan)).iso8601 == "1970-01-01T00:00:00Z")
    }

    @Test func aServersMessageCannotDriveTheTerminal() {
        let error = AWSServiceError(code: "Bad\u{1B}]0;title\u{07}", message: "no\u{1B}[2Jway\u{9B}31m", requestID: nil,
                                    operation: "GetRoleCredentials", httpStatus: 400)
        #expect(error.description == "An error occurred (Bad?]0;title?) when calling the GetRoleCredentials operation: no?[2Jway?31m")
        #expect(SSOError.portal(code: "X", message: PrintableText.of("a\nb"), httpStatus: 403).description.hasSuffix(": a?b"))
    }

    /// botocore treats an empty session name as none: it makes one and keeps it out of the cache key.
    @Test func anEmptySessionNameIsNone() throws {
        let config = try SharedConfig(configText: """
            [profile role]
            role_arn = arn:aws:iam::1:role/r
            role_session_name =
            credential_source = Environment

            [profile web]
            role_arn = arn:aws:iam::1:role/r
            web_identity_token_file = /run/token
            """, configPath: "config")
        guard case let .assumeRole(settings, _) = try config.credentialSource(for: "role") else {
            Issue.record("not a role")
            return
        }
        #expect(settings.roleSessionName == nil)
        guard case let .webIdentity(web) = try config.credentialSource(for: "web", environment: ["AWS_ROLE_SESSION_NAME": ""]) else {
            Issue.record("not web identity")
            return
        }
        #expect(web.roleSessionName == nil)
    }
}
