import AirlockAWS
import Foundation
import Testing

@Suite struct STSEndpointTests {
    static let config = try! SharedConfig(configText: """
        [profile svc]
        services = local
        endpoint_url = http://profile.example:1
        [profile plain]
        endpoint_url = http://profile.example:1
        [profile ignoring]
        endpoint_url = http://profile.example:1
        ignore_configured_endpoint_urls = true
        [services local]
        sts =
          endpoint_url = http://services.example:2
        """, configPath: "c")

    func resolve(_ profile: String?, region: String?, _ environment: [String: String] = [:]) throws -> String {
        let profile = try profile.map { try Self.config.profile($0) }
        return try STSEndpoint.resolve(region: region, profile: profile, config: Self.config, environment: environment).url.absoluteString
    }

    @Test func precedenceIsBotocores() throws {
        let both = ["AWS_ENDPOINT_URL_STS": "http://sts-env.example:3", "AWS_ENDPOINT_URL": "http://env.example:4"]
        #expect(try resolve("svc", region: "us-west-2", both) == "http://sts-env.example:3")
        #expect(try resolve("svc", region: "us-west-2", ["AWS_ENDPOINT_URL": "http://env.example:4"]) == "http://env.example:4")
        #expect(try resolve("svc", region: "us-west-2") == "http://services.example:2")
        #expect(try resolve("plain", region: "us-west-2") == "http://profile.example:1")
    }

    @Test func configuredURLsCanBeIgnored() throws {
        #expect(try resolve("ignoring", region: "us-west-2") == "https://sts.us-west-2.amazonaws.com")
        #expect(try resolve("plain", region: "us-west-2", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://x:1"])
            == "https://sts.us-west-2.amazonaws.com")
    }

    @Test func defaultsAreRegionalOrGlobal() throws {
        #expect(try resolve(nil, region: "eu-central-1") == "https://sts.eu-central-1.amazonaws.com")
        #expect(try resolve(nil, region: "cn-north-1") == "https://sts.cn-north-1.amazonaws.com.cn")
        #expect(try resolve(nil, region: nil) == "https://sts.amazonaws.com")
        let global = try STSEndpoint.resolve(region: nil, environment: [:])
        #expect(global.signingRegion == "us-east-1")
    }

    @Test func aMalformedURLNamesWhereItCameFrom() {
        #expect(throws: STSEndpoint.InvalidURL.self) { try resolve(nil, region: "us-east-1", ["AWS_ENDPOINT_URL_STS": "sts.local"]) }
    }

    /// A region botocore refuses (an inline comment kept in the value, a space, an empty label) is a clear
    /// error with botocore's message, never a crash.
    @Test func aMalformedRegionIsBotocoresErrorNotACrash() throws {
        for region in ["eu-west-1 ; comment", "eu west 1", "-eu-west-1", "eu-west-1/x", "eu..west"] {
            #expect(throws: STSEndpoint.InvalidRegion.self, "\(region)") { try STSEndpoint.resolve(region: region, environment: [:]) }
        }
        do {
            _ = try STSEndpoint.resolve(region: "eu-west-1 ; comment", environment: [:])
            Issue.record("a malformed region was accepted")
        } catch {
            #expect("\(error)" == "Provided region_name 'eu-west-1 ; comment' doesn't match a supported format.")
        }
        #expect(try STSEndpoint.resolve(region: "cn-north-1", environment: [:]).url.absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
    }
}
