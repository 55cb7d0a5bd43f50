import AirlockAWS
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

    /// Failed proofs a person may make per organization in `MFAGate.failureWindow`.
    static let maximumFailedProofs = 5

    /// Registers (or replaces) the actor's own device for `organization`, once they prove they hold it: two
    /// consecutive codes from it (as IAM asks when a device is enabled), each exchanged with AWS STS under the
    /// organization's keys. The organization's shared device and a device another member registered are refused
    /// before any code is sent. The codes are never stored; the attempt is (`MFADeviceProof`).
    static func register(_ serial: String, codes: [String], for actorID: UUID, in organization: String, services: MFAServices,
                         on database: any Database) async throws -> PersonalMFADevice {
        let serial = serial.trimmingCharacters(in: .whitespaces)
        guard isSerial(serial) else { throw MFARefusal.invalidDeviceSerial(serial) }
        let codes = codes.map { $0.trimmingCharacters(in: .whitespaces) }
        guard codes.count == 2, codes.allSatisfy(MFACodeRequest.isWellFormed), codes[0] != codes[1] else { throw MFARefusal.deviceProofNeeded }
        let organizationID = try await Authorizer.authorize(actorID, .read, organization: organization, on: database).organizationID
        let variables = try await Variables.ofOrganization(organizationID, secrets: services.secrets, on: database)
        guard let keys = AWSAccess.keys(in: variables) else {
            throw MFARefusal.notConfigured(missing: AWSAccess.missingForMFA(variables.map(\.key)).filter { $0 != AWSAccess.serialVariable })
        }
        // IAM does not tell device names apart by case.
        guard serial.lowercased() != keys.serial?.lowercased() else { throw MFARefusal.sharedDeviceSerial }
        let now = services.clock.now
        let proof = try await reserveProof(of: serial, by: actorID, in: organizationID, at: now, on: database)
        do {
            for code in codes {
                try await services.aws.checkCode(.init(credentials: keys.credentials, serial: serial), tokenCode: code)
            }
        } catch {
            // A code STS refused is the person's failure (the reserved proof stays one); an STS out of reach is not.
            if !(error is AWSServiceError) { try await proof.delete(on: database) }
            throw AWSAccess.describe(error)
        }
        proof.succeeded = true
        try await proof.save(on: database)
        return try await database.transaction { database in
            // One registration at a time per person: two at once cannot both insert. Whether another person holds the
            // device is told only to someone who proved they hold it too.
            try await RowLock.lock(User.schema, id: actorID, on: database)
            try await refuseIfTaken(serial, by: actorID, in: organizationID, on: database)
            let device = try await find(userID: actorID, organizationID: organizationID, on: database)
                ?? PersonalMFADevice(organizationID: organizationID, userID: actorID, serial: serial, at: now)
            device.serial = serial
            device.registeredAt = now.timeIntervalSince1970
            try await device.save(on: database)
            return device
        }
    }

    /// Counts the person's failed proofs in the window and records this one as a failure until it succeeds, in one
    /// transaction that holds their row: parallel registrations queue here, so no more than `maximumFailedProofs`
    /// ever reach STS in a window.
    private static func reserveProof(of serial: String, by actorID: UUID, in organizationID: UUID, at now: Date,
                                     on database: any Database) async throws -> MFADeviceProof {
        try await database.transaction { database in
            try await RowLock.lock(User.schema, id: actorID, on: database)
            let since = now.timeIntervalSince1970 - MFAGate.failureWindow
            let failures = try await MFADeviceProof.query(on: database).filter(\.$user.$id == actorID).filter(\.$organization.$id == organizationID)
                .filter(\.$succeeded == false).filter(\.$at >= since).count()
            guard failures < maximumFailedProofs else { throw MFARefusal.tooManyFailures(minutes: Int(MFAGate.failureWindow / 60)) }
            let proof = MFADeviceProof(organizationID: organizationID, userID: actorID, serial: serial, succeeded: false, at: now)
            try await proof.save(on: database)
            return proof
        }
    }

    /// Refuses `serial` when another person of the organization registered it (in any case: IAM's names are not
    /// told apart by it).
    private static func refuseIfTaken(_ serial: String, by actorID: UUID, in organizationID: UUID, on database: any Database) async throws {
        let others = try await PersonalMFADevice.query(on: database).filter(\.$organization.$id == organizationID)
            .filter(\.$user.$id != actorID).all()
        if others.contains(where: { $0.serial.lowercased() == serial.lowercased() }) { throw MFARefusal.deviceSerialTaken }
    }

    /// Every member's registered device (owners only), by user name.
    static func all(in organization: String, actorID: UUID, on database: any Database) async throws -> [(username: String, device: PersonalMFADevice)] {
        let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
        return try await PersonalMFADevice.query(on: database).filter(\.$organization.$id == organizationID).with(\.$user).all()
            .map { ($0.user.username, $0) }.sorted { $0.username < $1.username }
    }

    /// Revokes `username`'s device (owners only): their codes go with the shared serial again, and environments
    /// that require a personal device refuse them until they register one again.
    static func revoke(_ username: String, in organization: String, actorID: UUID, on database: any Database) async throws {
        let organizationID = try await Authorizer.authorize(actorID, .administer, organization: organization, on: database).organizationID
        guard let user = try await User.query(on: database).filter(\.$username == username).first(),
              let device = try await find(userID: try user.requireID(), organizationID: organizationID, on: database) else {
            throw MFARefusal.noPersonalDevice
        }
        try await device.delete(on: database)
    }

    /// The actor's own device for `organization`, if they registered one (404 for a non-member).
    static func own(for actorID: UUID, in organization: String, on database: any Database) async throws -> PersonalMFADevice? {
        let organizationID = try await Authorizer.authorize(actorID, .read, organization: organization, on: database).organizationID
        return try await find(userID: actorID, organizationID: organizationID, on: database)
    }

    /// Removes the actor's own device; their codes go with the shared serial again.
    static func remove(for actorID: UUID, in organization: String, on database: any Database) async throws {
        let organizationID = try await Authorizer.authorize(actorID, .read, organization: organization, on: database).organizationID
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
