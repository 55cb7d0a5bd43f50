import AsyncHTTPClient
import Foundation
import NIOSSL

/// A throwaway certificate authority made with openssl for one test: its certificate (what clients trust,
/// e.g. through `SSL_CERT_FILE`) and a server certificate it signed for `127.0.0.1` and `localhost`.
public struct TestCertificateAuthority: Sendable {
    public let folder: URL
    /// The CA's certificate (PEM).
    public var certificateFile: URL { folder.appendingPathComponent("ca.pem") }
    /// The server's certificate (PEM), for 127.0.0.1 and localhost.
    public var serverCertificateFile: URL { folder.appendingPathComponent("server.pem") }
    /// The server certificate's private key (PEM, unencrypted).
    public var serverKeyFile: URL { folder.appendingPathComponent("server-key.pem") }

    /// Makes the CA and the server certificate in a new folder.
    /// - Parameter names: the server certificate's subject alternative names.
    public static func make(names: [String] = ["IP:127.0.0.1", "DNS:localhost"]) async throws -> TestCertificateAuthority {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authority = TestCertificateAuthority(folder: folder)
        let extensions = folder.appendingPathComponent("server.ext")
        try "subjectAltName = \(names.joined(separator: ", "))\nextendedKeyUsage = serverAuth\n".write(to: extensions, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-subj", "/CN=Airlock test CA", "-keyout", folder.appendingPathComponent("ca-key.pem").path, "-out", authority.certificateFile.path],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
             "-keyout", authority.serverKeyFile.path, "-out", folder.appendingPathComponent("server.csr").path],
            ["x509", "-req", "-in", folder.appendingPathComponent("server.csr").path, "-CA", authority.certificateFile.path,
             "-CAkey", folder.appendingPathComponent("ca-key.pem").path, "-CAcreateserial", "-days", "2",
             "-extfile", extensions.path, "-out", authority.serverCertificateFile.path],
        ]
        for arguments in steps {
            let result = try await CommandRunner.run("/usr/bin/env", ["openssl"] + arguments,
                                                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
            guard result.status == 0 else { throw TestServerError.didNotStart("openssl \(arguments[0])", output: result.stderr) }
        }
        return authority
    }

    /// An HTTP client that trusts only this CA (and follows no redirect, as `Browser` needs); shut it down after use.
    public func client() -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificateFile.path)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                          configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
