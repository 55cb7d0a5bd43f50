import Foundation
import NIOSSL

/// The PEM files `airlock serve` serves TLS with: a certificate chain (the server's first) and its private key.
public struct ServerTLSFiles: Sendable {
    public var certificateChain: URL
    public var privateKey: URL

    public init(certificateChain: URL, privateKey: URL) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// The server's TLS configuration; throws what is wrong with the files, naming them.
    func serverConfiguration() throws(ServerTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChain.path)
        } catch {
            throw ServerTLSError("Cannot read the TLS certificate \(certificateChain.path) (PEM expected): \(error)")
        }
        guard !chain.isEmpty else { throw ServerTLSError("\(certificateChain.path) holds no PEM certificate.") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        } catch {
            throw ServerTLSError("Cannot read the TLS private key \(privateKey.path) (PEM, unencrypted, expected): \(error)")
        }
        return .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}

/// TLS files the server cannot use, with what to do about it.
public struct ServerTLSError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
