import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The only way out of a run's network: an HTTP proxy on the run's loopback (`HTTPS_PROXY`, `HTTP_PROXY`), which
/// Terraform, its providers and modules' downloads use. Each destination is resolved by the server and checked by
/// `RunNetworkPolicy`; the connection then goes to exactly the address checked, so no second DNS answer can steer
/// it elsewhere. A refusal answers 403 with the reason, which also goes to the run's log.
struct RunEgressProxy: Sendable {
    let policy: RunNetworkPolicy
    /// Writes a line in the run's log.
    let report: @Sendable (String) -> Void

    /// Serves one connection from the run (admitted to `connections`), then closes it.
    func serve(_ client: Int32, connections: RunConnections) {
        defer { connections.close(client) }
        guard let (text, rest) = BlockingSocket.readHead(client), let head = RunHTTPHead(text) else {
            return refuse(client, status: "400 Bad Request", .unusableRequest("not an HTTP request head (or none within a minute)"))
        }
        let destination: (host: String, port: Int)
        var forwarded: Data?
        if head.method == "CONNECT" {
            guard let authority = RunHTTPHead.authority(Substring(head.target)) else {
                return refuse(client, status: "400 Bad Request", .unusableRequest("CONNECT needs host:port"))
            }
            destination = authority
        } else {
            // A plain-http request in absolute form: sent on as the only request of its own connection.
            guard let url = URLComponents(string: head.target), url.scheme?.lowercased() == "http", let named = url.host,
                  case let host = named.hasPrefix("[") ? String(named.dropFirst().dropLast()) : named, !host.isEmpty,
                  let authority = RunHTTPHead.authority(Substring(host.contains(":") ? "[\(host)]:\(url.port ?? 80)" : "\(host):\(url.port ?? 80)"))
            else {
                return refuse(client, status: "400 Bad Request", .unusableRequest("a proxy request needs CONNECT or an absolute http:// URL"))
            }
            destination = authority
            var path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
            if let query = url.percentEncodedQuery { path += "?\(query)" }
            var lines = ["\(head.method) \(path) \(head.version)"]
            for header in head.headers {
                let name = header.name.lowercased()
                if name == "connection" || name == "proxy-connection" || name == "proxy-authorization" || name == "keep-alive" { continue }
                lines.append("\(header.name): \(header.value)")
            }
            lines.append("Connection: close")
            forwarded = Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        }
        let host = destination.host
        let addresses: [IPAddress]
        do {
            addresses = try IPAddress.resolve(host)
        } catch {
            return refuse(client, status: "502 Bad Gateway", .unresolvable(host: host))
        }
        let address: IPAddress
        switch policy.destination(host: host, port: destination.port, addresses: addresses, machine: IPAddress.machineAddresses()) {
        case let .success(checked): address = checked
        case let .failure(refusal): return refuse(client, status: "403 Forbidden", refusal)
        }
        let upstream: Int32
        switch BlockingSocket.connect(to: address, port: destination.port) {
        case let .success(connection): upstream = connection
        case let .failure(error):
            return refuse(client, status: "502 Bad Gateway", .unreachable(host: host, port: destination.port, address: address, reason: "\(error)"))
        }
        guard connections.admit(upstream) else {
            return refuse(client, status: "503 Service Unavailable", .unusableRequest("the run has \(RunConnections.limit) connections open already"))
        }
        defer { connections.close(upstream) }
        if let forwarded {
            guard BlockingSocket.write(upstream, forwarded + rest) else { return }
        } else {
            guard BlockingSocket.write(client, Data("HTTP/1.1 200 Connection established\r\n\r\n".utf8)),
                  rest.isEmpty || BlockingSocket.write(upstream, rest) else { return }
        }
        BlockingSocket.relay(client, upstream)
    }

    private func refuse(_ client: Int32, status: String, _ refusal: RunNetworkRefusal) {
        report(refusal.description)
        let body = Data((refusal.description + "\n").utf8)
        BlockingSocket.write(client, Data("HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body)
    }
}
