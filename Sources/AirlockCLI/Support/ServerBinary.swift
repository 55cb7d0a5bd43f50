import AirlockAWS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `airlock-server`, the program `airlock serve` and `airlock admin` become: found beside this `airlock` (the
/// real path of the running program), and started in its place (exec: same process, so signals, standard input
/// and the exit status are the server's own), with default signals and no descriptor of airlock's but 0-2, as `exec`.
enum ServerBinary {
    static let name = "airlock-server"

    /// The server program beside the running `airlock`.
    static var path: String {
        let running = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: running).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Replaces this process with `airlock-server arguments`; returns only by throwing.
    static func replaceProcess(with arguments: [String]) throws {
        let server = path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw CLIError("airlock serve and airlock admin run \(name), which is not installed beside airlock (\(server)). "
                + "Install both: swift build -c release --static-swift-stdlib --product airlock --product \(name), then copy "
                + ".build/release/airlock and .build/release/\(name) into the same folder.")
        }
        let reason = ProcessImage.replace(with: [server] + arguments)
        throw CLIError("Could not start \(server): \(String(cString: strerror(reason))).")
    }
}
