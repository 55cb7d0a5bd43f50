import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's network while it executes: its own namespace (`RunNetworkNamespace`) and the server's threads
/// that serve the run's proxy, its state backend, its AWS credentials and the allowed loopback destinations there. Stopped when the
/// phase ends: every connection of the run ends with it.
final class RunNetwork: Sendable {
    /// The proxy's address as the run's environment names it.
    static let proxyAddress = "http://127.0.0.1:\(RunNetworkPolicy.proxyPort)"
    /// What the run's environment holds for the proxy: both spellings, since tools read one or the other.
    static let proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
    /// Variables that would send a destination around the proxy (or name another one); removed from the run's environment.
    static let bypassVariables = ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]
    /// The most lines a phase's network writes in its log (a run refused in a loop must not fill it).
    static let reportLimit = 50

    let namespace: RunNetworkNamespace
    private let connections = RunConnections()
    private let credentials: RunCredentialServer?

    /// The state backend's address for `statePath` as the run reaches it.
    static func stateAddress(_ statePath: String) -> String {
        "http://127.0.0.1:\(RunNetworkPolicy.statePort)\(statePath)"
    }

    /// Makes the namespace and starts serving it.
    /// - Parameters:
    ///   - statePath: the environment's state path, the only one the run's state backend answers.
    ///   - token: the phase's state token, which its gateway adds to every request.
    ///   - credentials: the phase's AWS credentials server, if it has AWS credentials: it answers on the run's loopback.
    ///   - report: writes a line in the run's log (refused destinations).
    init(policy: RunNetworkPolicy, statePath: String, token: String, readOnly: Bool, responder: @escaping RunStateGateway.Responder,
         credentials: RunCredentialServer?, report: @escaping @Sendable (String) -> Void) throws {
        namespace = try RunNetworkNamespace.make(loopbackForwards: policy.loopbackForwards)
        self.credentials = credentials
        if let credentials {
            credentials.start(listening: namespace.credentials.descriptor)
        } else {
            close(namespace.credentials.descriptor)
        }
        let limitedReport = LimitedReport(report, limit: Self.reportLimit,
                                           ending: "Network: further lines of this phase's network are not written.").write
        let proxy = RunEgressProxy(policy: policy, report: limitedReport)
        let gateway = RunStateGateway(statePath: statePath, token: token, readOnly: readOnly, responder: responder, report: limitedReport)
        let connections = self.connections
        serve(namespace.proxy) { proxy.serve($0, connections: connections) }
        serve(namespace.state) { gateway.serve($0, connections: connections) }
        for forward in namespace.forwards {
            serve(forward) { client in
                defer { connections.close(client) }
                switch BlockingSocket.connect(to: forward.address, port: forward.port) {
                case let .success(upstream):
                    guard connections.admit(upstream) else { return }
                    BlockingSocket.relay(client, upstream)
                    connections.close(upstream)
                case let .failure(error):
                    limitedReport(RunNetworkRefusal.unreachable(host: forward.address.description, port: forward.port, address: forward.address,
                                                                reason: "\(error)").description)
                }
            }
        }
    }

    /// Ends every connection of the run, stops accepting (each listener is closed by its own thread) and lets the
    /// namespace go.
    func stop() {
        credentials?.stop()
        connections.stopAll()
        for listener in [namespace.proxy, namespace.state] + namespace.forwards {
            shutdown(listener.descriptor, Int32(SHUT_RDWR))
        }
        namespace.close()
    }

    /// Accepts connections on `listener` on a thread of its own, each served on a thread of its own (at most
    /// `RunConnections.limit` at once); closes the listener once the phase has ended.
    private func serve(_ listener: RunNetworkNamespace.Listener, _ handle: @escaping @Sendable (Int32) -> Void) {
        let connections = self.connections
        Thread.detachNewThread {
            while let connection = BlockingSocket.accept(listener.descriptor, stopped: { connections.isStopped }) {
                guard connections.admit(connection) else { continue }
                Thread.detachNewThread { handle(connection) }
            }
            close(listener.descriptor)
        }
    }
}
