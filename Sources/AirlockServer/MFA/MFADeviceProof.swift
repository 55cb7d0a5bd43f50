import Fluent
import Foundation
import SQLKit

/// One attempt to prove possession of an MFA device while registering it (two consecutive codes exchanged with
/// AWS STS), kept for audit and for the failure limit: who, which organization and device, when, and whether
/// STS took both codes. Never the codes.
final class MFADeviceProof: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that loaded it.
    static let schema = "mfa_device_proofs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "user_id") var user: User
    @Field(key: "serial") var serial: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "at") var at: Double

    init() {}

    init(organizationID: UUID, userID: UUID, serial: String, succeeded: Bool, at time: Date) {
        self.$organization.id = organizationID
        self.$user.id = userID
        self.serial = serial
        self.succeeded = succeeded
        self.at = time.timeIntervalSince1970
    }
}
