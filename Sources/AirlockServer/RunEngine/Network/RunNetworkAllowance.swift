import Foundation

/// A destination the server's operator lets runs reach although it is not public (`--run-network-allow`): a host
/// name (`registry.internal`), an address (`10.0.0.5`, `[fd00::5]`) or a network (`10.0.0.0/8`), each on one port
/// (`:443`) or on any.
public struct RunNetworkAllowance: Sendable, Equatable, CustomStringConvertible {
    enum Target: Sendable, Equatable {
        case host(String)
        case network(IPAddress, prefixLength: Int)
    }

    let target: Target
    /// The one port allowed, or nil for any.
    let port: Int?
    public let description: String

    /// Parses `HOST[:PORT]`, `ADDRESS[:PORT]`, `[IPv6][:PORT]` or `NETWORK/PREFIX[:PORT]`.
    public init(parsing text: String) throws(RunNetworkAllowanceError) {
        description = text
        var rest = Substring(text)
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .unreadable(text) }
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .unreadable(text) }
                portText = after.dropFirst()
            }
            rest = rest[rest.index(after: rest.startIndex)..<close]
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.lastIndex(of: ":") {
            portText = rest[rest.index(after: colon)...]
            rest = rest[..<colon]
        }
        if let portText {
            guard portText.count <= 5, let port = Int(portText), (1...65535).contains(port) else { throw .badPort(text) }
            self.port = port
        } else {
            port = nil
        }
        let (addressText, prefixText) = rest.firstIndex(of: "/").map { (rest[..<$0], Optional(rest[rest.index(after: $0)...])) } ?? (rest, nil)
        if let address = IPAddress(String(addressText)) {
            let bits = address.bytes.count * 8
            var length = bits
            if let prefixText {
                guard prefixText.count <= 3, let parsed = Int(prefixText), (0...bits).contains(parsed) else { throw .unreadable(text) }
                length = parsed
            }
            target = .network(address, prefixLength: length)
        } else {
            let host = addressText.lowercased()
            guard prefixText == nil, !host.isEmpty, host.count <= 253,
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else { throw .unreadable(text) }
            target = host == "localhost" ? .network(IPAddress.loopback, prefixLength: 32) : .host(host)
        }
    }

    /// Whether a connection to `host` (as the run named it), at `address`, on `port` is allowed by this.
    func allows(host: String, address: IPAddress, port: Int) -> Bool {
        guard self.port == nil || self.port == port else { return false }
        switch target {
        case let .host(name): return host.lowercased() == name
        case let .network(network, prefixLength): return address.isIn(network, prefixLength: prefixLength)
        }
    }

    /// The loopback address and port this allows, which the run reaches at the same place on its own loopback
    /// (Terraform and the AWS SDKs never send a loopback destination to a proxy): one address, one port.
    var loopbackForward: (address: IPAddress, port: Int)? {
        guard case let .network(address, prefixLength) = target, prefixLength == address.bytes.count * 8,
              address.nonPublicKind == "loopback", let port else { return nil }
        return (address, port)
    }
}

/// A `--run-network-allow` value that cannot be used.
public enum RunNetworkAllowanceError: Error, CustomStringConvertible {
    case unreadable(String)
    case badPort(String)
    case loopbackNeedsPort(String)
    case reservedPort(String, Int)

    public var description: String {
        switch self {
        case let .unreadable(text):
            "--run-network-allow \(text): give a host name, an address or a network (10.0.0.0/8), with an optional :PORT ([IPv6]:PORT)."
        case let .badPort(text): "--run-network-allow \(text): the port must be a number from 1 to 65535."
        case let .loopbackNeedsPort(text):
            "--run-network-allow \(text): a loopback destination needs one address and a port (e.g. 127.0.0.1:5432)."
        case let .reservedPort(text, port):
            "--run-network-allow \(text): port \(port) on a run's loopback is Airlock's own (its proxy and state backend); use the service's address other than loopback."
        }
    }
}
