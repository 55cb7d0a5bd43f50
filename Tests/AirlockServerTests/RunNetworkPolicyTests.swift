@testable import AirlockServer
import Testing

/// The rule of where a run's connections may go (`RunNetworkPolicy`) and the operator's allowances, in process; the
/// end-to-end test through the real proxy and namespace is `RunNetworkTests`.
struct RunNetworkPolicyTests {
    static func address(_ text: String) -> IPAddress {
        IPAddress(text) ?? IPAddress.loopback
    }

    @Test func allowancesAreParsedOrRefusedWithAReason() throws {
        #expect(try RunNetworkAllowance(parsing: "registry.internal:443").port == 443)
        #expect(try RunNetworkAllowance(parsing: "Registry.Internal").target == .host("registry.internal"))
        #expect(try RunNetworkAllowance(parsing: "10.0.0.0/8").target == .network(Self.address("10.0.0.0"), prefixLength: 8))
        #expect(try RunNetworkAllowance(parsing: "10.1.2.3:5432").target == .network(Self.address("10.1.2.3"), prefixLength: 32))
        #expect(try RunNetworkAllowance(parsing: "[fd00::5]:443").target == .network(Self.address("fd00::5"), prefixLength: 128))
        #expect(try RunNetworkAllowance(parsing: "fd00::/8").target == .network(Self.address("fd00::"), prefixLength: 8))
        #expect(try RunNetworkAllowance(parsing: "localhost:5432").loopbackForward?.port == 5432)
        for text in ["", ":443", "host:0", "host:65536", "host:99999999999999999999", "host:-1", "10.0.0.0/33", "10.0.0.0/x",
                     "a b", "host/8", "[fd00::5", "[fd00::5]x", "http://host", "host\0:1"] {
            #expect(throws: RunNetworkAllowanceError.self, "\(text)") { try RunNetworkAllowance(parsing: text) }
        }
        #expect(throws: RunNetworkAllowanceError.self) { try RunNetworkPolicy(allowances: [RunNetworkAllowance(parsing: "127.0.0.1")]) }
        #expect(throws: RunNetworkAllowanceError.self) { try RunNetworkPolicy(allowances: [RunNetworkAllowance(parsing: "127.0.0.1:80")]) }
        #expect(throws: RunNetworkAllowanceError.self) { try RunNetworkPolicy(allowances: [RunNetworkAllowance(parsing: "127.0.0.1:3128")]) }
    }

    @Test func publicDestinationsPassAndTheRestNeedsAnAllowance() throws {
        let policy = try RunNetworkPolicy(allowances: ["10.20.0.0/16:5432", "registry.internal", "127.0.0.1:9000"].map(RunNetworkAllowance.init(parsing:)))
        func check(_ host: String, _ port: Int, _ addresses: [String]) -> String {
            switch policy.destination(host: host, port: port, addresses: addresses.map(Self.address)) {
            case let .success(address): "connect \(address)"
            case let .failure(refusal): "\(refusal)"
            }
        }
        #expect(check("sts.amazonaws.com", 443, ["52.94.0.1", "2600:1f18::1"]) == "connect 52.94.0.1")
        #expect(check("169.254.169.254", 80, ["169.254.169.254"]).contains("a link-local (cloud instance metadata) address"))
        #expect(check("fd00:ec2::254", 80, ["fd00:ec2::254"]).contains("a unique local (private) address"))
        #expect(check("metadata.internal", 80, ["::ffff:169.254.169.254"]).contains("metadata.internal (::ffff:169.254.169.254)"))
        #expect(check("db", 5432, ["10.20.3.4"]) == "connect 10.20.3.4")
        #expect(check("db", 5433, ["10.20.3.4"]).contains("a private address"), "another port of an allowed network")
        #expect(check("registry.internal", 443, ["10.9.9.9"]) == "connect 10.9.9.9", "an allowed name, whatever it resolves to")
        #expect(check("127.0.0.1", 9000, ["127.0.0.1"]) == "connect 127.0.0.1")
        #expect(check("127.0.0.1", 9001, ["127.0.0.1"]).contains("a loopback address"))
        #expect(check("localhost", 8080, ["::1"]).contains("a loopback address"))
        #expect(check("0", 80, ["0.0.0.0"]).contains("unspecified"))
        #expect(check("rebind.example", 443, ["93.184.215.14", "10.0.0.1"]).contains("10.0.0.1"), "one private answer refuses the name")
        #expect(check("nowhere.example", 443, []).contains("could not be resolved"))
        #expect(policy.loopbackForwards.map(\.port) == [9000])
        let machine: Set<IPAddress> = [Self.address("11.0.0.7")]
        #expect(policy.destination(host: "me.example", port: 22, addresses: [Self.address("11.0.0.7")], machine: machine).failure?.description
            .contains("this machine's own address") == true)
        #expect(check("wire", 80, ["168.63.129.16"]).contains("cloud platform"))
        #expect(check("six", 443, ["2002:a00:1::1"]).contains("6to4"), "6to4, whatever it carries")
        #expect(check("teredo", 443, ["2001:0:1::1"]).contains("protocol assignments"), "Teredo")
        #expect(check("compat", 443, ["::a00:1"]).contains("IPv4-compatible"))
        #expect(check("nat64-local", 443, ["64:ff9b:1::1"]).contains("reserved"))
        #expect(check("global", 443, ["2a00:1450::1"]) == "connect 2a00:1450::1")
    }

    @Test func requestHeadsAndAuthoritiesAreReadStrictly() {
        #expect(RunHTTPHead("CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443")?.method == "CONNECT")
        #expect(RunHTTPHead("GET / HTTP/2.0") == nil)
        #expect(RunHTTPHead("get / HTTP/1.1") == nil)
        #expect(RunHTTPHead("GET  / HTTP/1.1") == nil)
        #expect(RunHTTPHead("GET / HTTP/1.1\r\nno colon") == nil)
        let head = RunHTTPHead("POST /state/a/b HTTP/1.1\r\ncontent-length: 12\r\nX: y")
        #expect(head?.contentLength(limit: 100) == 12)
        #expect(head?.contentLength(limit: 10) == nil)
        #expect(RunHTTPHead("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999")?.contentLength(limit: 100) == nil)
        #expect(RunHTTPHead("POST / HTTP/1.1\r\nContent-Length: -1")?.contentLength(limit: 100) == nil)
        #expect(RunHTTPHead("POST / HTTP/1.1\r\nTransfer-Encoding: chunked")?.contentLength(limit: 100) == nil)
        #expect(RunHTTPHead.authority("example.com:443")?.port == 443)
        #expect(RunHTTPHead.authority("[::1]:443")?.host == "::1")
        for bad in ["example.com", "example.com:0", "example.com:70000", "example.com:99999999999999999999", ":443", "[::1]443", "a b:1", "[::1"] {
            #expect(RunHTTPHead.authority(Substring(bad)) == nil, "\(bad)")
        }
    }
}

extension Result {
    /// The error, if this is one.
    var failure: Failure? {
        if case let .failure(error) = self { error } else { nil }
    }
}
