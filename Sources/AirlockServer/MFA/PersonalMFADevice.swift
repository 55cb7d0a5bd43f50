import Fluent
import Foundation

/// A person's own MFA device for an organization: one of the (up to eight) devices of the IAM user whose keys the
/// organization's variables hold. Their codes go to STS with this serial, so an authentication proves who
/// approved, not only that somebody holds the shared `AWS_MFA_SERIAL_NUMBER` device.
final class PersonalMFADevice: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "personal_mfa_devices"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "user_id") var user: User
    /// The device's ARN (`arn:aws:iam::ACCOUNT:mfa/NAME`) or a hardware token's serial.
    @Field(key: "serial") var serial: String
    @Field(key: "registered_at") var registeredAt: Double

    init() {}

    init(organizationID: UUID, userID: UUID, serial: String, at time: Date) {
        self.$organization.id = organizationID
        self.$user.id = userID
        self.serial = serial
        self.registeredAt = time.timeIntervalSince1970
    }
}
