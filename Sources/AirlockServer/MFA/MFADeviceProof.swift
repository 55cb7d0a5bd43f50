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

/// The `mfa_device_proofs` table; a serial belongs to one person per organization; and registrations made
/// before devices had to be proven are removed (their owners register again, with two codes).
struct CreateMFADeviceProof: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MFADeviceProof.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("serial", .string, .required)
            .field("succeeded", .bool, .required)
            .field("at", .double, .required)
            .create()
        try await PersonalMFADevice.query(on: database).delete()
        let sql = try database.sql
        try await sql.create(index: "personal_mfa_devices_by_serial").unique().on(PersonalMFADevice.schema)
            .column("organization_id").column("serial").run()
        try await sql.create(index: "mfa_device_proofs_by_user").on(MFADeviceProof.schema).column("user_id").column("organization_id").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "personal_mfa_devices_by_serial").run()
        try await database.schema(MFADeviceProof.schema).delete()
    }
}
