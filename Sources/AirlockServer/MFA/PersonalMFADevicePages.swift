import Fluent
import Vapor

/// The forms of "Your MFA device" on an organization's page (`OrganizationPage`): a member registers, replaces
/// or removes their own device; an owner revokes a member's.
struct PersonalMFADevicePages: RouteCollection {
    struct DeviceForm: Content {
        let serial: String
        let firstCode: String
        let secondCode: String

        enum CodingKeys: String, CodingKey {
            case serial
            case firstCode = "first_code"
            case secondCode = "second_code"
        }
    }

    struct RevokeForm: Content {
        let username: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.ownMFADevice(.key).pathComponents, use: register)
        routes.post(SiteURL.removeOwnMFADevice(.key).pathComponents, use: remove)
        routes.post(SiteURL.revokeMFADevice(.key).pathComponents, use: revoke)
    }

    func register(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let form = try request.content.decode(DeviceForm.self)
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(organization)).path,
                                            success: "Your codes for \(organization) now go to AWS with your own device.",
                                            fields: ["invalid_mfa_device": "mfa-device-serial", "mfa_device_shared": "mfa-device-serial",
                                                     "mfa_device_taken": "mfa-device-serial", "mfa_device_proof_needed": "mfa-device-first-code",
                                                     "mfa_failed": "mfa-device-first-code"]) {
            _ = try await PersonalMFADevices.register(form.serial, codes: [form.firstCode, form.secondCode], for: userID, in: organization,
                                                      services: request.application.mfaServices, on: request.db)
        }
    }

    func revoke(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let username = try request.content.decode(RevokeForm.self).username
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(organization)).path, success: "Revoked \(username)'s MFA device.") {
            try await PersonalMFADevices.revoke(username, in: organization, actorID: userID, on: request.db)
        }
    }

    func remove(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let userID = try request.userID
        return try await request.formAction(redirectTo: SiteURL.organization(.value(organization)).path,
                                            success: "Removed your device; your codes go with the organization's shared device again.") {
            try await PersonalMFADevices.remove(for: userID, in: organization, on: request.db)
        }
    }
}
