import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's network while it executes: its own namespace (`RunNetworkNamespace`) and the server's threads
/// that serve the run's proxy, its state backend and the allowed loopback destinations there. Stopped when the
/// phase ends.
final class RunNetwork: Sendable {
    /// The proxy's address as the run's environment names it.
    static let proxyAddress = "http://127.0.0.1:\(RunNetworkPolicy.proxyPort)"
    /// What the run's environment holds for the proxy: both spellings, since tools read one or the other.
    static let proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
    /// Variables that would send a destination around the proxy (or name another one); removed from the run's environment.
    static let bypassVariables = ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]

    let namespace: RunNetworkNamespace

    /// The state backend's address for `statePath` as the run reaches it.
    static func stateAddress(_ statePath: String) -> String {
        "http://127.0.0.1:\(RunNetworkPolicy.statePort)\(statePath)"
    }

    /// Makes the namespace and starts serving it.
    /// - Parameters:
    ///   - statePath: the environment's state path, the only one the run's state backend answers.
    ///   - report: writes a line in the run's log (refused destinations).
    init(policy: RunNetworkPolicy, statePath: String, responder: @escaping RunStateGateway.Responder,
         report: @escaping @Sendable (String) -> Void) throws {
        namespace = try RunNetworkNamespace.make(loopbackForwards: policy.loopbackForwards)
        let proxy = RunEgressProxy(policy: policy, report: report)
        let gateway = RunStateGateway(statePath: statePath, responder: responder, report: report)
        Self.serve(namespace.proxy) { proxy.serve($0) }
        Self.serve(namespace.state) { gateway.serve($0) }
        for forward in namespace.forwards {
            Self.serve(forward) { client in
                switch BlockingSocket.connect(to: forward.address, port: forward.port) {
                case let .success(upstream): BlockingSocket.relay(client, upstream)
                case let .failure(error):
                    report(RunNetworkRefusal.unreachable(host: forward.address.description, port: forward.port, address: forward.address,
                                                         reason: "\(error)").description)
                    close(client)
                }
            }
        }
    }

    /// Variables for the run's environment: the proxy, and nothing that bypasses it.
    func apply(to environment: inout [String: String]) {
        for name in Self.bypassVariables { environment[name] = nil }
        for name in Self.proxyVariables { environment[name] = Self.proxyAddress }
    }

    /// Stops accepting connections (those open end with the run's processes) and lets the namespace go.
    func stop() {
        for listener in [namespace.proxy, namespace.state] + namespace.forwards {
            shutdown(listener.descriptor, Int32(SHUT_RDWR))
        }
        namespace.close()
    }

    /// Accepts connections on `listener` on a thread of its own, each served on a thread of its own; closes the
    /// listener once it is shut down.
    private static func serve(_ listener: RunNetworkNamespace.Listener, _ handle: @escaping @Sendable (Int32) -> Void) {
        Thread.detachNewThread {
            while let connection = BlockingSocket.accept(listener.descriptor) {
                Thread.detachNewThread { handle(connection) }
            }
            close(listener.descriptor)
        }
    }
}
