import Fluent
import Foundation

/// People's own MFA devices: each member registers theirs for an organization (and only theirs); an
/// authentication sends the person's device, else the organization's shared `AWS_MFA_SERIAL_NUMBER` unless
/// the environment requires personal devices.
enum PersonalMFADevices {
    /// AWS's SerialNumber: 9 to 256 of letters, digits and `_+=/:,.@-` (an MFA device's ARN, or a hardware
    /// token's serial).
    static func isSerial(_ value: String) -> Bool {
        (9...256).contains(value.count) && value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_+=/:,.@-".unicodeScalars.contains(scalar))
        }
    }

    /// Registers (or replaces) the actor's own device for `organization`.
    static func register(_ serial: String, for actorID: UUID, in organization: String, at time: Date,
                         on database: any Database) async throws -> PersonalMFADevice {
        let serial = serial.trimmingCharacters(in: .whitespaces)
        guard isSerial(serial) else { throw MFARefusal.invalidDeviceSerial(serial) }
        let organizationID = try await Organizations.membership(of: actorID, in: organization, on: database).0.requireID()
        return try await database.transaction { database in
            // One registration at a time per person: two at once cannot both insert.
            try await RowLock.lock(User.schema, id: actorID, on: database)
            let device = try await find(userID: actorID, organizationID: organizationID, on: database)
                ?? PersonalMFADevice(organizationID: organizationID, userID: actorID, serial: serial, at: time)
            device.serial = serial
            device.registeredAt = time.timeIntervalSince1970
            try await device.save(on: database)
            return device
        }
    }

    /// The actor's own device for `organization`, if they registered one (404 for a non-member).
    static func own(for actorID: UUID, in organization: String, on database: any Database) async throws -> PersonalMFADevice? {
        let organizationID = try await Organizations.membership(of: actorID, in: organization, on: database).0.requireID()
        return try await find(userID: actorID, organizationID: organizationID, on: database)
    }

    /// Removes the actor's own device; their codes go with the shared serial again.
    static func remove(for actorID: UUID, in organization: String, on database: any Database) async throws {
        let organizationID = try await Organizations.membership(of: actorID, in: organization, on: database).0.requireID()
        try await PersonalMFADevice.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$user.$id == actorID).delete()
    }

    static func find(userID: UUID, organizationID: UUID, on database: any Database) async throws -> PersonalMFADevice? {
        try await PersonalMFADevice.query(on: database).filter(\.$organization.$id == organizationID).filter(\.$user.$id == userID).first()
    }

    /// The serial a person's code is sent with for `environment` (the person's device, else `shared`), or the
    /// refusal when the environment requires a personal device and they have none.
    static func serial(for userID: UUID, environment: TerraformEnvironment, shared: () async throws -> String?,
                       on database: any Database) async throws -> String? {
        let own = try await find(userID: userID, organizationID: environment.$organization.id, on: database)
        switch source(own: own?.serial, environment: environment) {
        case let .own(serial): return serial
        case .shared: return try await shared()
        case .personalDeviceRequired:
            let name = try await Organization.find(environment.$organization.id, on: database)?.name ?? ""
            throw MFARefusal.personalDeviceRequired(organization: name)
        }
    }

    /// Where a person's serial for `environment` comes from, given their own device's serial in its organization (if any).
    static func source(own: String?, environment: TerraformEnvironment) -> SerialSource {
        if let own { return .own(own) }
        return environment.requiresPersonalMFADevice ? .personalDeviceRequired : .shared
    }

    /// Where the serial a person's code goes with comes from.
    enum SerialSource: Equatable {
        /// Their own device's serial.
        case own(String)
        /// The organization's AWS_MFA_SERIAL_NUMBER.
        case shared
        /// None: the environment requires a personal device and they registered none.
        case personalDeviceRequired
    }
}
