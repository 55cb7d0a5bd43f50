import Fluent

/// `mfa_authentications.device_serial`: the MFA device an attempt sent to STS (a person's own, or the
/// organization's shared one). NULL on rows from before: the shared device.
struct UpdateMFAAuthenticationAddDeviceSerial: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).field("device_serial", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MFAAuthentication.schema).deleteField("device_serial").update()
    }
}
