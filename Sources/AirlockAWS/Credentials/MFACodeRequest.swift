/// A request for the one-time code of an MFA device, made while resolving a role profile.
public struct MFACodeRequest: Sendable, Equatable {
    /// The device: a virtual device's ARN or a hardware token's serial.
    public let serial: String
    /// The profile whose `mfa_serial` this is.
    public let profile: String

    public init(serial: String, profile: String) {
        self.serial = serial
        self.profile = profile
    }

    /// The prompt the AWS CLI shows: `Enter MFA code for <serial>: `.
    public var prompt: String { "Enter MFA code for \(serial): " }

    /// True for a code STS can accept: exactly six digits.
    public static func isWellFormed(_ code: String) -> Bool {
        code.count == 6 && code.allSatisfy { ("0"..."9").contains($0) }
    }
}

/// Supplies MFA codes: from a flag, a terminal prompt, or anything else the caller has.
public typealias MFACodeProvider = @Sendable (MFACodeRequest) async throws -> String
