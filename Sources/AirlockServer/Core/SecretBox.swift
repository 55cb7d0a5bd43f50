import AirlockAWS
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Encrypts values at rest with AES-256-GCM under the server's key: `AIRLOCK_SECRET_KEY` (base64 of 32
/// bytes) or `secret.key` in the data folder, made (0600) on first start. Each value is bound to where it
/// belongs (associated data), so a ciphertext copied to another row does not decrypt.
public struct SecretBox: Sendable {
    public struct KeyError: Error, CustomStringConvertible {
        public let description: String
    }

    struct DecryptionFailed: Error, CustomStringConvertible {
        var description: String { "A stored secret could not be decrypted: the server's key (AIRLOCK_SECRET_KEY or secret.key) is not the one it was saved with." }
    }

    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    /// The key from the environment, else from `secret.key` in the data folder, else a new one saved there.
    public static func load(dataDirectory: URL, environment: [String: String]) throws -> SecretBox {
        if let encoded = environment["AIRLOCK_SECRET_KEY"], !encoded.isEmpty {
            guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw KeyError(description: "AIRLOCK_SECRET_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).")
            }
            return SecretBox(key: SymmetricKey(data: bytes))
        }
        let file = dataDirectory.appendingPathComponent("secret.key")
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw KeyError(description: "\(file.path) does not hold a 32-byte base64 key.")
            }
            return SecretBox(key: SymmetricKey(data: bytes))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw KeyError(description: "Cannot create \(file.path): \(String(cString: strerror(errno)))") }
        let written = encoded.withCString { write(fd, $0, strlen($0)) }
        fsync(fd)
        close(fd)
        guard written == encoded.utf8.count else { throw KeyError(description: "Cannot write \(file.path).") }
        return SecretBox(key: key)
    }

    /// nonce + ciphertext + tag, base64.
    func seal(_ plaintext: String, boundTo context: String) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw DecryptionFailed() }
        return combined.base64EncodedString()
    }

    func unseal(_ sealed: String, boundTo context: String) throws -> String {
        guard let data = Data(base64Encoded: sealed),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(context.utf8)) else {
            throw DecryptionFailed()
        }
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// nonce + ciphertext + tag, for binary payloads (plans, state).
    func seal(_ plaintext: Data, boundTo context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw DecryptionFailed() }
        return combined
    }

    func unseal(_ sealed: Data, boundTo context: String) throws -> Data {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(context.utf8)) else {
            throw DecryptionFailed()
        }
        return plaintext
    }

    /// A secret derived from the key for `context` (HMAC-SHA256, hex): the same on every server sharing the
    /// key, never stored.
    func derivedSecret(for context: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(context.utf8), using: key))
    }
}
