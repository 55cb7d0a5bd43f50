import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238), as virtual MFA devices make them.
///
/// ```swift
/// let totp = try TOTP(base32Secret: "JBSWY3DPEHPK3PXP")
/// let code = totp.code(at: Date())   // "492039"
/// ```
public struct TOTP: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512"
    }

    public let secret: [UInt8]
    public let algorithm: Algorithm
    public let digits: Int
    /// Seconds per time step (X in the RFC).
    public let step: Int
    /// The Unix time that counting starts from (T0 in the RFC).
    public let epoch: Int

    public init(secret: [UInt8], algorithm: Algorithm = .sha1, digits: Int = 6, step: Int = 30, epoch: Int = 0) {
        precondition((1...10).contains(digits), "TOTP digits must be 1 to 10")
        precondition(step > 0, "TOTP step must be positive")
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.step = step
        self.epoch = epoch
    }

    /// A TOTP from a base32 seed, the form AWS shows when a virtual MFA device is created.
    public init(base32Secret: String, algorithm: Algorithm = .sha1, digits: Int = 6, step: Int = 30) throws {
        self.init(secret: try Base32.decode(base32Secret), algorithm: algorithm, digits: digits, step: step)
    }

    /// The time step a moment falls in.
    public func counter(at date: Date) -> UInt64 {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) - epoch
        return UInt64(max(0, seconds) / step)
    }

    /// The code for a moment.
    public func code(at date: Date) -> String {
        code(counter: counter(at: date))
    }

    /// The code for a time step (HOTP, RFC 4226, with the chosen hash).
    public func code(counter: UInt64) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] = switch algorithm {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt64(mac[offset] & 0x7F) << 24) | (UInt64(mac[offset + 1]) << 16)
            | (UInt64(mac[offset + 2]) << 8) | UInt64(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The time step whose code matches, looking `window` steps either side of `date`; `nil` if none does.
    /// Callers that must refuse a reused code remember the returned step.
    public func matchingCounter(for code: String, at date: Date, window: Int = 1) -> UInt64? {
        let now = Int64(counter(at: date))
        for delta in -Int64(window)...Int64(window) where now + delta >= 0 {
            let candidate = UInt64(now + delta)
            if ConstantTime.equal(self.code(counter: candidate), code) { return candidate }
        }
        return nil
    }
}
