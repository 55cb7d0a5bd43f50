import AirlockTesting
import Foundation
import Testing

/// STS behind a corporate proxy and a private CA, beside the AWS CLI (botocore is the reference): `AWS_CA_BUNDLE`
/// decides which certificates are trusted, `HTTPS_PROXY` routes the call through a proxy (a CONNECT tunnel the
/// stand-in logs), `NO_PROXY` exempts a host. The test STS serves HTTPS with a throwaway CA's certificate.
@Suite struct AWSNetworkCLITests {
    @Test func stsThroughAProxyAndAPrivateCAAsTheAWSCLIReachesIt() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        try await withCLIWorld { world in
            let sts = try await TestSTS.start(directory: await world.sts.engine.directory, tls: authority)
            let proxy = try await ConnectProxy.start()
            defer { Task { await proxy.stop(); try? await sts.stop() } }
            let base = world.environment.merging(["AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString, "AWS_DEFAULT_REGION": "us-east-1"]) { $1 }
            func both(_ extra: [String: String]) async throws -> (ours: CommandRunner.Result, theirs: CommandRunner.Result) {
                let environment = base.merging(extra) { $1 }
                return (try await CommandRunner.run(world.airlock, ["whoami", "--profile", "cli-user"], environment: environment),
                        try await CommandRunner.run("/usr/bin/env", ["aws", "sts", "get-caller-identity", "--profile", "cli-user"], environment: environment))
            }
            let untrusted = try await both([:])
            #expect(untrusted.ours.status != 0 && untrusted.theirs.status != 0, "the system's CAs do not know this one")
            #expect(untrusted.ours.stderr.lowercased().contains("certificate"), "\(untrusted.ours.stderr)")

            let bundle = ["AWS_CA_BUNDLE": authority.certificateFile.path]
            let trusted = try await both(bundle)
            #expect(trusted.ours.status == 0, "\(trusted.ours.stderr)")
            #expect(trusted.theirs.status == 0, "\(trusted.theirs.stderr)")
            #expect(trusted.ours.stdout == trusted.theirs.stdout)
            #expect(proxy.tunnels.isEmpty)

            let proxied = try await both(bundle.merging(["HTTPS_PROXY": proxy.url]) { $1 })
            #expect(proxied.ours.status == 0, "\(proxied.ours.stderr)")
            #expect(proxied.theirs.status == 0, "\(proxied.theirs.stderr)")
            let port = try #require(sts.endpoint.port)
            #expect(proxy.tunnels == ["127.0.0.1:\(port)", "127.0.0.1:\(port)"], "one tunnel each")
            let lowerCase = try await both(bundle.merging(["https_proxy": proxy.url]) { $1 })
            #expect(lowerCase.ours.status == 0 && proxy.tunnels.count == 4, "\(lowerCase.ours.stderr)")

            let exempt = try await both(bundle.merging(["HTTPS_PROXY": proxy.url, "NO_PROXY": "localhost,127.0.0.1"]) { $1 })
            #expect(exempt.ours.status == 0 && exempt.theirs.status == 0)
            #expect(proxy.tunnels.count == 4, "NO_PROXY goes direct")

            let missing = try await both(["AWS_CA_BUNDLE": world.home.appendingPathComponent("nowhere.pem").path])
            #expect(missing.ours.status != 0 && missing.theirs.status != 0)
            #expect(missing.ours.stderr.contains("AWS_CA_BUNDLE names"), "\(missing.ours.stderr)")
        }
    }
}
