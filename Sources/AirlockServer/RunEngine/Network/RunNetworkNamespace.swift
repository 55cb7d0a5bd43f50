import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run phase's own network namespace: a loopback interface and nothing else, no route anywhere. On its loopback
/// the server listens for the run (the sockets are the server's, made inside the namespace): the run's proxy, its
/// state backend, its AWS credentials, and the loopback destinations the operator allowed. Whatever the run's code does, it reaches
/// the outside only through the server, which checks every destination (`RunNetworkPolicy`).
final class RunNetworkNamespace: Sendable {
    /// A listening socket on the run's loopback, and what it stands for.
    struct Listener: Sendable {
        let descriptor: Int32
        let address: IPAddress
        let port: Int
    }

    /// The namespace itself (a descriptor), entered to start the run's processes in it.
    let descriptor: Int32
    let proxy: Listener
    let state: Listener
    /// The phase's AWS credentials (`RunCredentialServer`).
    let credentials: Listener
    /// One for each loopback destination the operator allowed, at the same address and port.
    let forwards: [Listener]

    private init(descriptor: Int32, proxy: Listener, state: Listener, credentials: Listener, forwards: [Listener]) {
        self.descriptor = descriptor
        self.proxy = proxy
        self.state = state
        self.credentials = credentials
        self.forwards = forwards
    }

    /// Makes a namespace with its loopback up and the server's sockets listening in it.
    static func make(loopbackForwards: [(address: IPAddress, port: Int)]) throws -> RunNetworkNamespace {
        try LauncherThread.shared.runInNewNetwork { namespace in
            guard NetworkNamespaceCalls.bringUpLoopback() == 0 else { throw RunNetworkError.socket("bring up lo", errno) }
            var made: [Int32] = []
            do {
                func listen(_ address: IPAddress, _ port: Int) throws -> Listener {
                    let listener = Listener(descriptor: try BlockingSocket.listen(on: address, port: port), address: address, port: port)
                    made.append(listener.descriptor)
                    return listener
                }
                let proxy = try listen(.loopback, RunNetworkPolicy.proxyPort)
                let state = try listen(.loopback, RunNetworkPolicy.statePort)
                let credentials = try listen(.loopback, RunCredentialServer.runNetworkPort)
                let forwards = try loopbackForwards.map { try listen($0.address, $0.port) }
                return RunNetworkNamespace(descriptor: namespace, proxy: proxy, state: state, credentials: credentials, forwards: forwards)
            } catch {
                made.forEach { Glibc.close($0) }
                throw error
            }
        }
    }

    /// Starts a process inside this namespace (for `PosixSpawn`).
    var launcher: PosixSpawn.Launcher {
        { [descriptor] spawn in try LauncherThread.shared.run(inNetwork: descriptor, spawn) }
    }

    /// Closes the namespace's descriptor; it is gone once the run's processes and the listeners are.
    func close() {
        Glibc.close(descriptor)
    }

    /// Checks that this server can give runs a network of their own (it needs CAP_SYS_ADMIN): makes one and lets it go.
    static func check() throws {
        let namespace = try make(loopbackForwards: [])
        for listener in [namespace.proxy, namespace.state, namespace.credentials] { Glibc.close(listener.descriptor) }
        namespace.close()
    }
}
