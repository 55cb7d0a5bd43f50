import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Where a notification may be sent. An organization's owners name the URL, but the server sends it from inside its
/// own network: unless the operator allows private addresses (`--notification-private-addresses`), a host that
/// resolves to a loopback, private, link-local (cloud instance metadata), shared, multicast or reserved address is
/// refused, and a public one is connected to at exactly the address checked (no second DNS answer in between).
enum NotificationAddress {
    /// The address to connect to for `host`: the first it resolves to, when every one is public (or private ones are allowed).
    static func resolved(host: String, allowingPrivate: Bool) async throws -> String {
        let addresses = try await NIOThreadPool.singleton.runIfActive { try resolve(host) }
        guard let first = addresses.first else { throw NotificationAddressRefusal.unresolvable(host) }
        guard allowingPrivate || addresses.allSatisfy({ isPublic($0) }) else { throw NotificationAddressRefusal.privateAddress(host) }
        return text(first)
    }

    /// Whether `address` (4 or 16 bytes) is on the public internet.
    static func isPublic(_ address: [UInt8]) -> Bool {
        if address.count == 4 { return isPublicIPv4(address) }
        guard address.count == 16 else { return false }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        if Array(address[0..<12]) == mappedPrefix { return isPublicIPv4(Array(address[12..<16])) }  // ::ffff:a.b.c.d
        if address.allSatisfy({ $0 == 0 }) || address == [UInt8](repeating: 0, count: 15) + [1] { return false }  // :: and ::1
        let (first, second) = (address[0], address[1])
        if first & 0xFE == 0xFC { return false }  // fc00::/7, unique local
        if first == 0xFE, second & 0xC0 == 0x80 || second & 0xC0 == 0xC0 { return false }  // fe80::/10 link-local, fec0::/10 site-local
        if first == 0xFF { return false }  // multicast
        if Array(address[0..<12]) == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isPublicIPv4(Array(address[12..<16])) }  // NAT64
        return true
    }

    private static func isPublicIPv4(_ a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): false
        case (100, 64...127): false  // shared address space (carrier-grade NAT)
        case (172, 16...31): false
        case (192, 0) where a[2] == 0: false
        case (198, 18...19): false
        case (224..., _): false  // multicast, reserved, broadcast
        default: true
        }
    }

    /// Every address `host` resolves to (a literal address resolves to itself).
    private static func resolve(_ host: String) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let list else { throw NotificationAddressRefusal.unresolvable(host) }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor?.pointee {
            if let address = entry.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        addresses.append(withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        addresses.append(withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) })
                    }
                default: break
                }
            }
            cursor = entry.ai_next
        }
        return addresses
    }

    private static func text(_ address: [UInt8]) -> String {
        let family = address.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        address.withUnsafeBytes { bytes in _ = inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why a notification was not sent to an address.
enum NotificationAddressRefusal: Error, CustomStringConvertible {
    case privateAddress(String)
    case unresolvable(String)

    var description: String {
        switch self {
        case let .privateAddress(host):
            "\(host) is a loopback, private or link-local address, which this server does not send notifications to "
                + "(its operator allows them with airlock serve --notification-private-addresses)"
        case let .unresolvable(host): "\(host) could not be resolved"
        }
    }
}
