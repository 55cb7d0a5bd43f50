@testable import AirlockServer
import Testing

/// The one rule of which addresses are public, used by notifications and by runs' network.
struct IPAddressTests {
    @Test func publicAndPrivateAddressesAreToldApart() {
        let refused: [[UInt8]] = [[127, 0, 0, 1], [10, 1, 2, 3], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1], [169, 254, 169, 254],
                                  [100, 64, 0, 1], [0, 0, 0, 0], [224, 0, 0, 1], [255, 255, 255, 255], [198, 18, 0, 1], [192, 0, 0, 8],
                                  [UInt8](repeating: 0, count: 15) + [1], [UInt8](repeating: 0, count: 16), [0xFE, 0x80] + [UInt8](repeating: 0, count: 14),
                                  [0xFD, 0x00] + [UInt8](repeating: 0, count: 14), [0xFF, 0x02] + [UInt8](repeating: 0, count: 14),
                                  [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 169, 254, 169, 254],
                                  [0x00, 0x64, 0xFF, 0x9B] + [UInt8](repeating: 0, count: 8) + [10, 0, 0, 1]]
        for address in refused { #expect(IPAddress(bytes: address)?.isPublic == false, "\(address)") }
        let allowed: [[UInt8]] = [[1, 1, 1, 1], [172, 32, 0, 1], [100, 128, 0, 1], [8, 8, 8, 8],
                                  [0x26, 0x06, 0x47, 0x00] + [UInt8](repeating: 0, count: 11) + [1],
                                  [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 93, 184, 216, 34]]
        for address in allowed { #expect(IPAddress(bytes: address)?.isPublic == true, "\(address)") }
    }

    /// Only global unicast is public: the forms that carry another address inside (IPv4-compatible and
    /// -translated, 6to4, NAT64, Teredo) and the documentation and benchmarking ranges are not, whatever they carry.
    @Test func onlyGlobalUnicastIsPublic() {
        for text in ["::127.0.0.1", "::ffff:0:7f00:1", "::ffff:0:808:808", "2002:7f00:1::1", "2002:808:808::1", "64:ff9b::808:808",
                     "64:ff9b::7f00:1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1", "2001:10::1", "2001:db8::1", "3fff::1",
                     "192.0.2.1", "198.51.100.1", "203.0.113.7", "192.88.99.1", "::", "::1", "ff02::1", "fe80::1", "fc00::1"] {
            #expect(IPAddress(text)?.isPublic == false, "\(text)")
        }
        for text in ["8.8.8.8", "11.0.0.10", "2606:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8", "2001:4860::8888"] {
            #expect(IPAddress(text)?.isPublic == true, "\(text)")
        }
    }

    @Test func literalsAreParsedAndNamedByKind() {
        #expect(IPAddress("169.254.169.254")?.nonPublicKind == "link-local (cloud instance metadata)")
        #expect(IPAddress("fd00:ec2::254")?.nonPublicKind == "unique local (private)")
        #expect(IPAddress("127.0.0.53")?.nonPublicKind == "loopback")
        #expect(IPAddress("100.100.100.200")?.nonPublicKind == "shared (carrier-grade NAT)")
        #expect(IPAddress("203.0.113.7")?.nonPublicKind == "reserved (documentation)")
        #expect(IPAddress("203.0.113.7")?.description == "203.0.113.7")
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8::1")
        for text in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "[::1]", "example.com", "::1%lo", "1.2.3.4\0"] { #expect(IPAddress(text) == nil, "\(text)") }
    }

    @Test func networksContainTheirAddressesOnly() throws {
        let network = try #require(IPAddress("10.20.0.0"))
        #expect(try #require(IPAddress("10.20.255.1")).isIn(network, prefixLength: 16))
        #expect(try !#require(IPAddress("10.21.0.1")).isIn(network, prefixLength: 16))
        #expect(try #require(IPAddress("10.20.0.1")).isIn(network, prefixLength: 12))
        #expect(try #require(IPAddress("10.31.0.1")).isIn(network, prefixLength: 12))
        #expect(try !#require(IPAddress("10.32.0.1")).isIn(network, prefixLength: 12))
        #expect(try #require(IPAddress("1.2.3.4")).isIn(network, prefixLength: 0))
        #expect(try !#require(IPAddress("::1")).isIn(network, prefixLength: 0), "another family never matches")
        #expect(try !#require(IPAddress("10.20.0.1")).isIn(network, prefixLength: 33))
        #expect(try #require(IPAddress("fd00:ec2::254")).isIn(try #require(IPAddress("fd00::")), prefixLength: 8))
    }
}
