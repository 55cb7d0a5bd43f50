import AirlockTesting
import Foundation

/// Two network namespaces a test makes (it runs as root, as CI does): the server's, and "the world" beside it, joined
/// by a veth pair and joined to nothing else. The world holds the stand-ins' addresses (a metadata service at
/// 169.254.169.254, private and public ones) and has no route of its own, so no packet can leave this machine
/// whatever the code under test does. Processes started with `prefix` run in the server's namespace (which sends
/// everything it does not hold to the world), with `worldPrefix` in the world; `/etc/netns/NAME/hosts` gives the
/// server's namespace host names. A bridge lets the test process reach a loopback port inside the server's.
final class TestNetworkNamespace: Sendable {
    let name = "airlock-test-\(UUID().uuidString.prefix(8).lowercased())"
    var world: String { name + "-world" }
    private let hostsFolder: URL

    /// The command prefix that starts a program in the server's namespace.
    var prefix: [String] { ["/usr/sbin/ip", "netns", "exec", name] }
    /// The command prefix that starts a program in the world.
    var worldPrefix: [String] { ["/usr/sbin/ip", "netns", "exec", world] }

    init(worldAddresses: [String], hosts: [String: String]) async throws {
        hostsFolder = URL(fileURLWithPath: "/etc/netns").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: hostsFolder, withIntermediateDirectories: true)
        let lines = ["127.0.0.1 localhost"] + hosts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: hostsFolder.appendingPathComponent("hosts"))
        var steps: [[String]] = [["netns", "add", name], ["netns", "add", world],
                                 ["-n", name, "link", "add", "to-world", "type", "veth", "peer", "name", "to-server", "netns", world]]
        for (namespace, link, address) in [(name, "to-world", "11.0.0.1/30"), (world, "to-server", "11.0.0.2/30")] {
            steps += [["-n", namespace, "link", "set", "lo", "up"], ["-n", namespace, "addr", "add", address, "dev", link],
                      ["-n", namespace, "link", "set", link, "up"]]
        }
        steps.append(["-n", name, "route", "add", "default", "via", "11.0.0.2"])
        steps += worldAddresses.map { ["-n", world, "addr", "add", "\($0)/32", "dev", "lo"] }
        for step in steps {
            let result = try await CommandRunner.run("/usr/sbin/ip", step, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
            guard result.status == 0 else {
                remove()
                throw TestServerError.didNotStart("ip \(step.joined(separator: " ")) (the network tests make namespaces: run them as root)",
                                                  output: result.stderr)
            }
        }
    }

    func remove() {
        _ = try? FileManager.default.removeItem(at: hostsFolder)
        Task { [name, world] in
            for namespace in [name, world] { _ = try? await CommandRunner.run("/usr/sbin/ip", ["netns", "delete", namespace], environment: [:]) }
        }
    }

    /// A process on this machine's loopback that forwards each connection to `port` on the namespace's loopback; returns
    /// it and its address (`http://127.0.0.1:<port>`). It listens before it enters the namespace.
    func bridge(to port: Int) async throws -> (RunningProcess, String) {
        let program = """
            import ctypes, os, socket, sys, threading
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(64)
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(os.open("/var/run/netns/" + sys.argv[1], os.O_RDONLY), 0x40000000) != 0:
                raise OSError(ctypes.get_errno(), "setns")
            print("READY", listener.getsockname()[1], flush=True)
            def pump(source, target):
                try:
                    while True:
                        data = source.recv(65536)
                        if not data:
                            break
                        target.sendall(data)
                except OSError:
                    pass
                finally:
                    try:
                        target.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
            def serve(client):
                upstream = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
                threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
                pump(upstream, client)
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=serve, args=(connection,), daemon=True).start()
            """
        let bridge = try RunningProcess("/usr/bin/env", ["python3", "-c", program, name, String(port)],
                                        environment: ProcessInfo.processInfo.environment)
        let local: Int
        do {
            // `readyPort` waits for the whole line: "READY" alone may arrive before its number.
            local = try await bridge.readyPort()
        } catch {
            _ = await bridge.stop()
            throw error
        }
        return (bridge, "http://127.0.0.1:\(local)")
    }
}
