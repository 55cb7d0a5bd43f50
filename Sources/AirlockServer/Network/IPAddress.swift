import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, and the one rule of which addresses are on the public internet:
/// what the server's own outgoing connections (notifications) and its runs' (`RunNetworkPolicy`) are checked against.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    /// 127.0.0.1.
    static let loopback = IPAddress(unchecked: [127, 0, 0, 1])

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A literal address (`10.0.0.1`, `fd00::1`; no brackets, no zone).
    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if text.contains("\0") {
            return nil
        } else if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: v6) { Array($0) }
        } else {
            return nil
        }
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`) stands for; any other as it is.
    var unmapped: IPAddress {
        guard bytes.count == 16, bytes[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF][...] else { return self }
        return IPAddress(unchecked: Array(bytes[12..<16]))
    }

    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { raw in _ = inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether this address is on the public internet.
    var isPublic: Bool { nonPublicKind == nil }

    /// What kind of non-public address this is ("loopback", "private", ...), or nil for a public one.
    var nonPublicKind: String? {
        if isIPv4 { return Self.nonPublicKind(ipv4: bytes) }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        if Array(bytes[0..<12]) == mappedPrefix { return Self.nonPublicKind(ipv4: Array(bytes[12..<16])) }  // ::ffff:a.b.c.d
        if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if bytes == [UInt8](repeating: 0, count: 15) + [1] { return "loopback" }
        if Array(bytes[0..<12]) == [UInt8](repeating: 0, count: 12) { return "reserved (IPv4-compatible)" }  // ::a.b.c.d
        let (first, second) = (bytes[0], bytes[1])
        if first & 0xFE == 0xFC { return "unique local (private)" }  // fc00::/7, also fd00:ec2::254, EC2's metadata service
        if first == 0xFE, second & 0xC0 == 0x80 { return "link-local" }  // fe80::/10
        if first == 0xFE, second & 0xC0 == 0xC0 { return "site-local (private)" }  // fec0::/10
        if first == 0xFF { return "multicast" }
        if Array(bytes[0..<12]) == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {  // NAT64
            return "reserved (NAT64)"  // another address inside, reached through a translator
        }
        // Only global unicast (2000::/3) is public, and of it not the forms that carry another address.
        guard first & 0xE0 == 0x20 else { return "reserved" }
        if first == 0x20, second == 0x02 { return "reserved (6to4)" }  // 2002::/16: another address inside
        // 2001::/23, IETF protocol assignments: Teredo (2001::/32, another address inside), benchmarking, ORCHID.
        if first == 0x20, second == 0x01, bytes[2] & 0xFE == 0 { return "reserved (protocol assignments)" }
        if first == 0x20, second == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 { return "reserved (documentation)" }  // 2001:db8::/32
        if first == 0x3F, second == 0xFF, bytes[2] & 0xF0 == 0 { return "reserved (documentation)" }  // 3fff::/20
        return nil
    }

    private static func nonPublicKind(ipv4 a: [UInt8]) -> String? {
        switch (a[0], a[1]) {
        case (0, _): "unspecified"
        case (127, _): "loopback"
        case (10, _), (192, 168), (172, 16...31): "private"
        case (169, 254): "link-local (cloud instance metadata)"
        case (100, 64...127): "shared (carrier-grade NAT)"
        case (168, 63) where a[2] == 129 && a[3] == 16: "cloud platform (Azure's WireServer)"
        case (192, 0) where a[2] == 0: "reserved"
        case (192, 0) where a[2] == 2, (198, 51) where a[2] == 100, (203, 0) where a[2] == 113: "reserved (documentation)"
        case (192, 88) where a[2] == 99: "reserved (6to4 relay)"
        case (198, 18...19): "reserved (benchmarking)"
        case (224...239, _): "multicast"
        case (240..., _): "reserved"
        default: nil
        }
    }

    /// Whether this address lies in `network`/`prefixLength` (of the same family).
    func isIn(_ network: IPAddress, prefixLength: Int) -> Bool {
        guard bytes.count == network.bytes.count, prefixLength >= 0, prefixLength <= bytes.count * 8 else { return false }
        let whole = prefixLength / 8
        guard bytes[0..<whole] == network.bytes[0..<whole] else { return false }
        let rest = prefixLength % 8
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << UInt8(8 - rest)
        return bytes[whole] & mask == network.bytes[whole] & mask
    }

    /// The addresses of this machine's own interfaces (in the calling thread's network namespace): a connection to
    /// one of them reaches the machine itself, however public the address.
    static func machineAddresses() -> Set<IPAddress> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let list else { return [] }
        defer { freeifaddrs(list) }
        var addresses = Set<IPAddress>()
        var cursor: UnsafeMutablePointer<ifaddrs>? = list
        while let entry = cursor?.pointee {
            if let address = entry.ifa_addr.flatMap(IPAddress.init(socketAddress:)) { addresses.insert(address) }
            cursor = entry.ifa_next
        }
        return addresses
    }

    /// Every address `host` resolves to (a literal address resolves to itself). Blocking: call it off the event loops.
    static func resolve(_ host: String) throws(IPAddressError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard !host.contains("\0"), getaddrinfo(host, nil, &hints, &list) == 0, let list else { throw .unresolvable(host) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor?.pointee {
            if let address = entry.ai_addr.flatMap(IPAddress.init(socketAddress:)) { addresses.append(address) }
            cursor = entry.ai_next
        }
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }

    private init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The address of an IPv4 or IPv6 socket address; nil for another family.
    private init?(socketAddress address: UnsafeMutablePointer<sockaddr>) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) } }
        case AF_INET6:
            bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) } }
        default:
            return nil
        }
    }
}

/// A host name that gave no address.
enum IPAddressError: Error, CustomStringConvertible {
    case unresolvable(String)

    var description: String {
        switch self {
        case let .unresolvable(host): "\(host) could not be resolved"
        }
    }
}
