import Foundation

/// Where a run's network connections may go: the one rule, applied by the run's proxy to every destination after
/// resolving it. Public addresses, and what the operator allowed (`RunNetworkAllowance`); never the server's own
/// loopback, the cloud's instance metadata service (169.254.169.254, fd00:ec2::254), other link-local addresses,
/// private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) or anything else that is not public.
public struct RunNetworkPolicy: Sendable {
    /// What the operator allowed besides public addresses.
    public let allowances: [RunNetworkAllowance]

    /// The line written at start and into every run's log when runs share the server's network.
    public static let sharedWarning = "WARNING: runs share this server's network (--shared-run-network): a configuration reaches whatever the server reaches, including its loopback services, the cloud's instance metadata service and the credentials of the machine's role. Use this only where every configuration is trusted with that."

    /// The proxy's port on a run's own loopback (`HTTPS_PROXY`).
    static let proxyPort = 3128
    /// The state backend's port on a run's own loopback: the same for every run and server, since a saved plan
    /// records the backend's address and its apply may run on another server.
    static let statePort = 80

    public init(allowances: [RunNetworkAllowance]) throws(RunNetworkAllowanceError) {
        for allowance in allowances {
            if case let .network(address, _) = allowance.target, address.nonPublicKind == "loopback", allowance.loopbackForward == nil {
                throw .loopbackNeedsPort(allowance.description)
            }
            if let forward = allowance.loopbackForward, [Self.proxyPort, Self.statePort, RunCredentialServer.runNetworkPort].contains(forward.port) {
                throw .reservedPort(allowance.description, forward.port)
            }
        }
        self.allowances = allowances
    }

    /// The address to connect to for `host:port`, of the addresses it resolved to: the first, when every one is
    /// allowed (a name with one private address among public ones is refused whole, so no DNS answer can steer a
    /// run inside). A public address of this machine itself (`machine`) is not public to a run.
    func destination(host: String, port: Int, addresses: [IPAddress], machine: Set<IPAddress> = []) -> Result<IPAddress, RunNetworkRefusal> {
        guard let first = addresses.first else { return .failure(.unresolvable(host: host)) }
        for address in addresses where !allowances.contains(where: { $0.allows(host: host, address: address, port: port) }) {
            if let kind = address.nonPublicKind {
                return .failure(.notPublic(host: host, port: port, address: address, kind: kind))
            }
            if machine.contains(address) {
                return .failure(.notPublic(host: host, port: port, address: address, kind: RunNetworkRefusal.machineKind))
            }
        }
        return .success(first)
    }

    /// The loopback destinations a run reaches at the same address and port on its own loopback.
    var loopbackForwards: [(address: IPAddress, port: Int)] {
        allowances.compactMap(\.loopbackForward)
    }
}

/// Why a run's connection was refused; written in its log.
enum RunNetworkRefusal: Error, CustomStringConvertible {
    /// The kind of an address of this machine's own interfaces.
    static let machineKind = "this machine's own"

    case notPublic(host: String, port: Int, address: IPAddress, kind: String)
    case unresolvable(host: String)
    case unreachable(host: String, port: Int, address: IPAddress, reason: String)
    case unusableRequest(String)
    case notThisRunsState(method: String, path: String)

    var description: String {
        switch self {
        case let .notPublic(host, port, address, kind):
            let named = host == address.description ? host : "\(host) (\(address))"
            return "Network: refused a connection to \(named) port \(port): \(kind == Self.machineKind ? "" : "a ")\(kind) address, which runs do not reach "
                + "(the server's operator can allow a destination with airlock serve --run-network-allow)."
        case let .unresolvable(host): return "Network: refused a connection to \(host): it could not be resolved."
        case let .unreachable(host, port, address, reason):
            return "Network: could not connect to \(host) (\(address)) port \(port): \(reason)."
        case let .unusableRequest(reason): return "Network: refused a request to the run's proxy: \(reason)."
        case let .notThisRunsState(method, path):
            return "Network: refused \(method) \(path) on the state backend: a run reaches only its own environment's state."
        }
    }
}
