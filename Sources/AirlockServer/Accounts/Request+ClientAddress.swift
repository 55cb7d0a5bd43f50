import Vapor

extension Request {
    /// The client's IP address: the server's peer, or, when the peer is one of the operator's trusted proxies
    /// (`--trusted-proxy`), the address the proxies say they received the request from: the right-most
    /// `X-Forwarded-For` entry that is not itself a trusted proxy (entries to its left are the client's to write).
    ///
    /// What is counted is the client's network as one holder has it: an IPv4 address, or an IPv6 /64 (one subscriber's
    /// usual share, whose every address is theirs to use); an IPv4-mapped IPv6 peer is its IPv4 address.
    var clientAddress: String {
        guard let peerText = remoteAddress?.ipAddress else { return "unknown" }
        guard let peer = IPAddress(peerText)?.unmapped else { return peerText }
        return Self.throttleKey(trustedClient(peer))
    }

    /// The client behind the trusted proxies, or the peer itself.
    private func trustedClient(_ peer: IPAddress) -> IPAddress {
        let proxies = application.trustedProxies
        guard !proxies.isEmpty, proxies.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            // An entry that is no address ends the trust: the last proxy's peer is the client.
            guard let address = IPAddress(hop)?.unmapped else { break }
            client = address
            if !proxies.contains(where: { $0.contains(address) }) { break }
        }
        return client
    }

    /// An IPv4 address as it is; an IPv6 address as its /64.
    private static func throttleKey(_ address: IPAddress) -> String {
        guard !address.isIPv4, let network = IPAddress(bytes: Array(address.bytes[0..<8]) + [UInt8](repeating: 0, count: 8)) else {
            return address.description
        }
        return "\(network)/64"
    }
}

extension Application {
    private struct TrustedProxiesKey: StorageKey {
        typealias Value = [IPNetwork]
    }

    /// The reverse proxies whose `X-Forwarded-For` the server believes (none by default); set by `configure`.
    var trustedProxies: [IPNetwork] {
        get { storage[TrustedProxiesKey.self] ?? [] }
        set { storage[TrustedProxiesKey.self] = newValue }
    }
}
