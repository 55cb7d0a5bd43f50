import Fluent
import Foundation
import SQLKit

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
