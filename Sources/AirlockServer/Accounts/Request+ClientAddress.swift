import Vapor

extension Request {
    /// The client's IP address: the server's peer, or, when the peer is one of the operator's trusted proxies
    /// (`--trusted-proxy`), the address the proxies say they received the request from: the right-most
    /// `X-Forwarded-For` entry that is not itself a trusted proxy (entries to its left are the client's to write).
    var clientAddress: String {
        guard let peerText = remoteAddress?.ipAddress else { return "unknown" }
        let proxies = application.trustedProxies
        guard !proxies.isEmpty, let peer = IPAddress(peerText), proxies.contains(where: { $0.contains(peer) }) else { return peerText }
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            // An entry that is no address ends the trust: the last proxy's peer is the client.
            guard let address = IPAddress(hop) else { break }
            client = address
            if !proxies.contains(where: { $0.contains(address) }) { break }
        }
        return client.description
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
