import Fluent
import Foundation
import SQLKit

/// What the serial rule (`PersonalMFADevices.source`) reads for a person in an organization: their own device's
/// serial and the organization's shared AWS_MFA_SERIAL_NUMBER, in one statement (lists ask it on every call).
struct SerialSources {
    let own: String?
    let shared: String?

    /// The columns and statement of `read(for:in:secrets:on:)`.
    private struct Statement: Sendable {
        let own = "own_serial"
        let sharedSealed = "shared_serial_sealed"
        let afterUser: String
        let afterDeviceOrganization: String
        let afterVariableOrganization: String
        let afterKey: String
        let text: String

        init() {
            let (d, v) = (PersonalMFADevice.schema, OrganizationVariable.schema)
            let q = StatementText.quoted
            text = "SELECT (SELECT \(StatementText.column(d, PersonalMFADevice.columnName(\PersonalMFADevice.$serial))) FROM \(q(d)) WHERE "
                + "\(StatementText.column(d, PersonalMFADevice.columnName(\PersonalMFADevice.$user.$id))) = "
            afterUser = " AND \(StatementText.column(d, PersonalMFADevice.columnName(\PersonalMFADevice.$organization.$id))) = "
            afterDeviceOrganization = ") AS \(q(own)), (SELECT \(StatementText.column(v, OrganizationVariable.columnName(\OrganizationVariable.$valueSealed))) "
                + "FROM \(q(v)) WHERE \(StatementText.column(v, OrganizationVariable.columnName(\OrganizationVariable.$organization.$id))) = "
            afterVariableOrganization = " AND \(StatementText.column(v, OrganizationVariable.columnName(\OrganizationVariable.$key))) = "
            afterKey = ") AS \(q(sharedSealed))"
        }
    }

    private static let statement = Statement()

    /// Both sources for `userID` in the organization, the shared serial decrypted.
    static func read(for userID: UUID, in organizationID: UUID, secrets: SecretBox, on database: any Database) async throws -> SerialSources {
        let s = statement
        let key = AWSAccess.serialVariable
        let query: SQLQueryString = "\(unsafeRaw: s.text)\(bind: userID)\(unsafeRaw: s.afterUser)\(bind: organizationID)"
            + "\(unsafeRaw: s.afterDeviceOrganization)\(bind: organizationID)\(unsafeRaw: s.afterVariableOrganization)\(bind: key)\(unsafeRaw: s.afterKey)"
        guard let row = try await database.sql.raw(query).first() else { return SerialSources(own: nil, shared: nil) }
        let sealed = try row.decode(column: s.sharedSealed, as: String?.self)
        return SerialSources(own: try row.decode(column: s.own, as: String?.self),
                             shared: try sealed.map { try VariableStore<OrganizationVariable>.unseal($0, key: key, in: organizationID, secrets: secrets) })
    }
}
