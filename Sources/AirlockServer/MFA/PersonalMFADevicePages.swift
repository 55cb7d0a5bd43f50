import Fluent
import Vapor

/// "Your MFA device" on an organization's page: a member registers, replaces or removes their own device.
struct PersonalMFADevicePages: RouteCollection {
    struct DeviceForm: Content {
        let serial: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post("organizations", ":organization", "mfa-device", use: register)
        routes.post("organizations", ":organization", "mfa-device", "remove", use: remove)
    }

    func register(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let serial = try request.content.decode(DeviceForm.self).serial
        let userID = try request.userID
        return try await request.formAction(redirectTo: "/organizations/\(organization)",
                                            success: "Your codes for \(organization) now go to AWS with your own device.",
                                            fields: ["invalid_mfa_device": "mfa-device-serial"]) {
            _ = try await PersonalMFADevices.register(serial, for: userID, in: organization, at: request.application.clock.now, on: request.db)
        }
    }

    func remove(_ request: Request) async throws -> Response {
        let organization = try request.parameters.require("organization")
        let userID = try request.userID
        return try await request.formAction(redirectTo: "/organizations/\(organization)",
                                            success: "Removed your device; your codes go with the organization's shared device again.") {
            try await PersonalMFADevices.remove(for: userID, in: organization, on: request.db)
        }
    }

    /// The section of the organization's page: the visitor's device and the form.
    static func section(organization: String, device: PersonalMFADevice?, csrf: HTML, request: Request) -> HTML {
        let current: HTML = if let device {
            """
            <p>Your codes go to AWS with your own device <code>\(device.serial)</code>.</p>
            <form class="inline" method="post" action="/organizations/\(organization)/mfa-device/remove">\(csrf)<button type="submit">Remove my device</button></form>
            """
        } else {
            "<p class=\"muted\">You registered no device: your codes go with the organization's shared AWS_MFA_SERIAL_NUMBER.</p>"
        }
        return """
            <h2>Your MFA device</h2>
            \(current)
            <form method="post" action="/organizations/\(organization)/mfa-device"><fieldset><legend>\(device == nil ? "Register your MFA device" : "Replace your MFA device")</legend>\(csrf)
            <label for="mfa-device-serial">Device serial</label>
            <input id="mfa-device-serial" name="serial" required minlength="9" maxlength="256" class="wide" aria-describedby="mfa-device-serial-help mfa-device-serial-error">
            \(Flash.fieldError("mfa-device-serial", on: request))
            <p id="mfa-device-serial-help" class="muted">Its ARN (arn:aws:iam::ACCOUNT:mfa/NAME), one of the devices of the IAM user whose keys this organization's variables hold, or a hardware token's serial.</p>
            <p><button type="submit">Save device</button></p></fieldset></form>
            """
    }
}
