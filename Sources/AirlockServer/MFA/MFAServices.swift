import Vapor

/// What exchanging an MFA code needs of the server: AWS STS, the key that seals the credentials it
/// returns, and the clock the failure limit counts by.
struct MFAServices: Sendable {
    let aws: AWSAccess
    let secrets: SecretBox
    let clock: ServerClock
}

extension Application {
    /// This server's STS, secret box and clock, for the MFA gate.
    var mfaServices: MFAServices { MFAServices(aws: awsAccess, secrets: secretBox, clock: clock) }
}
