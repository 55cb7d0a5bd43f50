import Foundation
import Testing
@testable import AirlockAWS

/// Proxies and CA bundles as botocore (through Python's urllib) reads them.
@Suite struct AWSNetworkSettingsTests {
    @Test func eachSchemeHasItsProxyLowerCaseFirst() throws {
        let settings = try AWSNetworkSettings.resolve(environment: [
            "HTTP_PROXY": "proxy.corp:3128", "HTTPS_PROXY": "http://upper.corp:8080", "https_proxy": "http://lower.corp:8080",
        ], profile: nil)
        #expect(settings.proxy(for: URL(string: "https://sts.amazonaws.com")!)?.absoluteString == "http://lower.corp:8080")
        #expect(settings.proxy(for: URL(string: "http://sts.amazonaws.com")!)?.absoluteString == "http://proxy.corp:3128")
        #expect(try AWSNetworkSettings.resolve(environment: [:], profile: nil).proxy(for: URL(string: "https://sts.amazonaws.com")!) == nil)
    }

    @Test func noProxyNamesHostsDomainsAndPorts() throws {
        let settings = try AWSNetworkSettings.resolve(environment: [
            "HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": " internal.corp, .amazonaws.com:8443 ,127.0.0.1",
        ], profile: nil)
        func proxied(_ url: String) -> Bool { settings.proxy(for: URL(string: url)!) != nil }
        #expect(!proxied("https://internal.corp"))
        #expect(!proxied("https://sts.internal.corp"))
        #expect(proxied("https://notinternal.corp"))
        #expect(!proxied("https://sts.amazonaws.com:8443"))
        #expect(proxied("https://sts.amazonaws.com"), "the entry names port 8443 only")
        #expect(!proxied("https://127.0.0.1:9000"))
        let everything = try AWSNetworkSettings.resolve(environment: ["HTTPS_PROXY": "http://proxy.corp:3128", "no_proxy": "*"], profile: nil)
        #expect(everything.proxy(for: URL(string: "https://sts.amazonaws.com")!) == nil)
    }

    @Test func theCABundleIsTheEnvironmentsElseTheProfiles() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-ca-\(UUID().uuidString).pem")
        try Data("pem".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let profile = Profile(name: "p", values: ["ca_bundle": .string(file.path)])
        #expect(try AWSNetworkSettings.resolve(environment: [:], profile: profile).caBundle == file.path)
        #expect(try AWSNetworkSettings.resolve(environment: ["AWS_CA_BUNDLE": file.path], profile: Profile(name: "p")).caBundle == file.path)
        #expect(throws: ConfigError.invalidSetting(name: "AWS_CA_BUNDLE", reason: "names /nowhere.pem, which does not exist")) {
            try AWSNetworkSettings.resolve(environment: ["AWS_CA_BUNDLE": "/nowhere.pem"], profile: profile)
        }
        #expect(throws: ConfigError.invalidSetting(name: "HTTPS_PROXY", reason: "is not an http:// proxy address")) {
            try AWSNetworkSettings.resolve(environment: ["HTTPS_PROXY": "socks5://user:secret@proxy.corp:1080"], profile: nil)
        }
    }
}
