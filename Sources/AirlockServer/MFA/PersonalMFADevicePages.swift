import Fluent
import Vapor

/// "Your MFA device" on an organization's page: a member registers, replaces or removes their own device.
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

    /// The section of the organization's page: the visitor's device and the form.
    static func section(organization: String, device: PersonalMFADevice?, csrf: HTML, request: Request) -> HTML {
        let current: HTML = if let device {
            """
            <p>Your codes go to AWS with your own device <code>\(device.serial)</code>.</p>
            <form class="inline" method="post" action="\(SiteURL.removeOwnMFADevice(.value(organization)).path)">\(csrf)<button type="submit">Remove my device</button></form>
            """
        } else {
            "<p class=\"muted\">You registered no device: your codes go with the organization's shared AWS_MFA_SERIAL_NUMBER.</p>"
        }
        return """
            <h2>Your MFA device</h2>
            \(current)
            <form method="post" action="\(SiteURL.ownMFADevice(.value(organization)).path)"><fieldset><legend>\(device == nil ? "Register your MFA device" : "Replace your MFA device")</legend>\(csrf)
            <label for="mfa-device-serial">Device serial</label>
            <input id="mfa-device-serial" name="serial" required minlength="9" maxlength="256" class="wide" aria-describedby="mfa-device-serial-help mfa-device-serial-error">
            \(Flash.fieldError("mfa-device-serial", on: request))
            <p id="mfa-device-serial-help" class="muted">Its ARN (arn:aws:iam::ACCOUNT:mfa/NAME), one of the devices of the IAM user whose keys this organization's variables hold, or a hardware token's serial.</p>
            <p id="mfa-device-codes-help" class="muted">Prove it is yours: enter the code it shows, wait for the next one, and enter that too.</p>
            <label for="mfa-device-first-code">First code</label>
            <input id="mfa-device-first-code" name="first_code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" aria-describedby="mfa-device-codes-help mfa-device-first-code-error">
            \(Flash.fieldError("mfa-device-first-code", on: request))
            <label for="mfa-device-second-code">Next code</label>
            <input id="mfa-device-second-code" name="second_code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" aria-describedby="mfa-device-codes-help">
            <p><button type="submit">Save device</button></p></fieldset></form>
            """
    }

    /// Owners' view of every member's registered device, each with its revoke button.
    static func registrations(organization: String, devices: [(username: String, device: PersonalMFADevice)], csrf: HTML) -> HTML {
        guard !devices.isEmpty else { return "<h2>Members' MFA devices</h2><p class=\"muted\">No member registered a device of their own.</p>" }
        let rows = devices.map { entry -> HTML in
            """
            <tr><td>\(entry.username)</td><td><code>\(entry.device.serial)</code></td><td>\(Date(timeIntervalSince1970: entry.device.registeredAt).iso8601)</td>
            <td><form class="inline" method="post" action="\(SiteURL.revokeMFADevice(.value(organization)).path)">\(csrf)<input type="hidden" name="username" value="\(entry.username)"><button type="submit" aria-label="Revoke \(entry.username)'s device">Revoke</button></form></td></tr>
            """
        }
        return """
            <h2>Members' MFA devices</h2>
            <table><thead><tr><th scope="col">Member</th><th scope="col">Device</th><th scope="col">Registered</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}
