import AirlockAWS
import AirlockTesting
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

/// STS's endpoint for every combination of `sts_regional_endpoints`, FIPS and dual-stack over a spread of regions,
/// against botocore itself (it builds a client's endpoint without any network call), from the environment and from
/// a profile.
@Suite struct STSEndpointBotocoreTests {
    static let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-east-1", "me-central-1", "cn-north-1", "us-gov-west-1", "aws-global"]
    static let settings: [[String: String]] = [
        [:], ["AWS_STS_REGIONAL_ENDPOINTS": "legacy"], ["AWS_STS_REGIONAL_ENDPOINTS": "regional"], ["AWS_USE_FIPS_ENDPOINT": "true"],
        ["AWS_USE_DUALSTACK_ENDPOINT": "true"], ["AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"],
        ["AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_USE_FIPS_ENDPOINT": "true"],
        ["AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_USE_DUALSTACK_ENDPOINT": "true"],
    ]

    /// botocore's endpoint for each line of `region<TAB>settings as JSON`, one per line.
    static func botocore(_ cases: [(region: String, environment: [String: String])], home: URL) async throws -> [String] {
        let program = """
            import json, os, sys
            import botocore.session
            for line in sys.stdin.read().splitlines():
                region, environment = line.split("\\t", 1)
                for key in ("AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"):
                    os.environ.pop(key, None)
                os.environ.update(json.loads(environment))
                client = botocore.session.get_session().create_client("sts", region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
                print(client.meta.endpoint_url)
            """
        let input = try cases.map { region, environment in
            region + "\t" + String(decoding: try JSONSerialization.data(withJSONObject: environment), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", program],
                                                 environment: ["PATH": PythonInstallation.path(ProcessInfo.processInfo.environment["PATH"]),
                                                               "HOME": home.path, "AWS_CONFIG_FILE": home.appendingPathComponent("none").path],
                                                 stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func everyCombinationIsBotocores() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-botocore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let cases = Self.settings.flatMap { environment in Self.regions.map { (region: $0, environment: environment) } }
        let theirs = try await Self.botocore(cases, home: home)
        try #require(theirs.count == cases.count)
        for (index, (region, environment)) in cases.enumerated() {
            let ours = try STSEndpoint.resolve(region: region, environment: environment).url.absoluteString
            #expect(ours == theirs[index], "\(region) \(environment)")
            // The same settings in a profile (use_fips_endpoint, ...) give the same endpoint.
            let profile = Profile(name: "p", values: Dictionary(uniqueKeysWithValues: environment.map { key, value in
                (key == "AWS_STS_REGIONAL_ENDPOINTS" ? "sts_regional_endpoints" : String(key.dropFirst(4)).lowercased(), INIFile.Value.string(value))
            }))
            #expect(try STSEndpoint.resolve(region: region, profile: profile, environment: [:]).url.absoluteString == theirs[index],
                    "\(region) \(profile.values)")
        }
    }
}
