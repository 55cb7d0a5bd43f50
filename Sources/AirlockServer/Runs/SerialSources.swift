import Fluent
import Foundation
import SQLKit

/// What the serial rule (`PersonalMFADevices.source`) reads for a person in an organization: their own device's
/// serial and the organization's shared AWS_MFA_SERIAL_NUMBER, in one statement (lists ask it on every call).
struct SerialSources {
    let own: String?
    let shared: String?

    /// The person's own device's serial and the organization's sealed shared serial, in one statement.
    private static let statement = SQLStatement("""
        SELECT (SELECT "personal_mfa_devices"."serial" FROM "personal_mfa_devices"
                WHERE "personal_mfa_devices"."user_id" = ? AND "personal_mfa_devices"."organization_id" = ?) AS "own_serial",
               (SELECT "organization_variables"."value_sealed" FROM "organization_variables"
                WHERE "organization_variables"."organization_id" = ? AND "organization_variables"."key" = ?) AS "shared_serial_sealed"
        """)

    /// Both sources for `userID` in the organization, the shared serial decrypted.
    static func read(for userID: UUID, in organizationID: UUID, secrets: SecretBox, on database: any Database) async throws -> SerialSources {
        let key = AWSAccess.serialVariable
        guard let row = try await statement.first([userID, organizationID, organizationID, key], on: database) else {
            return SerialSources(own: nil, shared: nil)
        }
        let sealed = try row.decode(column: "shared_serial_sealed", as: String?.self)
        return SerialSources(own: try row.decode(column: "own_serial", as: String?.self),
                             shared: try sealed.map { try VariableStore<OrganizationVariable>.unseal($0, key: key, in: organizationID, secrets: secrets) })
    }
}
