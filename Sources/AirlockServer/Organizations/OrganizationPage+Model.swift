import Fluent
import Foundation

/// Everything an organization's page shows: its members, the visitor's own MFA device and, for owners, every
/// member's registered device; read by `load`, rendered by `OrganizationPage+View.swift`.
struct OrganizationPage {
    struct Member {
        let username: String
        let role: Membership.Role
        /// When and how they last signed in; owners only.
        let lastSignIn: (at: Date, method: SignInMethod)?
    }

    struct Registration {
        let username: String
        let serial: String
        let registeredAt: Date
    }

    let organization: String
    /// Owners manage members and see every registered device; members see the list read-only.
    let isOwner: Bool
    let members: [Member]
    /// The serial of the visitor's own MFA device here, if they registered one.
    let ownDeviceSerial: String?
    /// Every member's registered device; empty for a member's visit.
    let registrations: [Registration]

    static func load(organization name: String, visitorID: UUID, on database: any Database) async throws -> OrganizationPage {
        let grant = try await Authorizer.authorize(visitorID, .read, organization: name, on: database)
        let members = try await Organizations.members(of: name, actorID: visitorID, on: database)
        let device = try await PersonalMFADevices.find(userID: visitorID, organizationID: grant.organizationID, on: database)
        let registrations = grant.isOwner ? try await PersonalMFADevices.all(in: name, actorID: visitorID, on: database) : []
        return OrganizationPage(
            organization: grant.organizationName, isOwner: grant.isOwner,
            members: members.map { Member(username: $0.username, role: $0.role, lastSignIn: $0.lastSignIn) }, ownDeviceSerial: device?.serial,
            registrations: registrations.map {
                Registration(username: $0.username, serial: $0.device.serial, registeredAt: Date(timeIntervalSince1970: $0.device.registeredAt))
            })
    }
}
