import Foundation

extension OrganizationPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let name = SiteURL.Parameter.value(organization)
        let rows = members.map { member -> HTML in
            let actions: HTML = isOwner ? """
                <form class="inline" method="post" action="\(SiteURL.members(name).path)">\(csrf)
                <input type="hidden" name="username" value="\(member.username)">
                <label class="visually-hidden" for="role-\(member.username)">Role of \(member.username)</label>
                <select id="role-\(member.username)" name="role">\(Self.roleOptions(selected: member.role))</select>
                <button type="submit">Change role</button></form>
                <form class="inline" method="post" action="\(SiteURL.removeMember(name, .value(member.username)).path)">\(csrf)
                <button type="submit" class="danger">Remove</button></form>
                <form class="inline" method="post" action="\(SiteURL.endMemberSessions(name, .value(member.username)).path)" data-confirm="End \(member.username)'s browser sessions and revoke their API tokens?">\(csrf)
                <button type="submit" class="danger">End sessions and tokens</button></form>
                """ : .empty
            let signIn: HTML = isOwner ? "<td>\(Self.describe(member.lastSignIn))</td>" : .empty
            return "<tr><td>\(member.username)</td><td>\(member.role.rawValue)</td>\(signIn)<td>\(actions)</td></tr>"
        }
        let addForm: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.members(name).path)"><fieldset><legend>Add a member</legend>\(csrf)
            <label for="member-username">Username</label><input id="member-username" name="username" required aria-describedby="member-username-error">
            \(fieldError("member-username"))
            <label for="member-role">Role</label><select id="member-role" name="role">\(Self.roleOptions(selected: .member))</select>
            <p><button type="submit">Add member</button></p></fieldset></form>
            """ : "<p class=\"muted\">Only owners add and remove members.</p>"
        let notifications: HTML = isOwner ? " · <a href=\"\(SiteURL.notifications(name).path)\">Notifications</a>" : .empty
        return """
            <p><a href="\(SiteURL.environments(name).path)">Environments</a> · <a href="\(SiteURL.teams(name).path)">Teams</a> · <a href="\(SiteURL.policySets(name).path)">Policy sets</a> · <a href="\(SiteURL.organizationVariablesPage(of: organization))">Organization variables</a>\(notifications)</p>
            <h2>Members</h2>
            <table><thead><tr><th scope="col">User</th><th scope="col">Role</th>\(isOwner ? "<th scope=\"col\">Last sign-in</th>" as HTML : .empty)<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            \(addForm)
            \(ownDevice(csrf: csrf, fieldError: fieldError))
            \(isOwner ? registeredDevices(csrf: csrf) : .empty)
            """
    }

    /// "Your MFA device": the visitor's device and the form that registers or replaces it.
    private func ownDevice(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let name = SiteURL.Parameter.value(organization)
        let current: HTML = if let ownDeviceSerial {
            """
            <p>Your codes go to AWS with your own device <code>\(ownDeviceSerial)</code>.</p>
            <form class="inline" method="post" action="\(SiteURL.removeOwnMFADevice(name).path)">\(csrf)<button type="submit" class="danger">Remove my device</button></form>
            """
        } else {
            "<p class=\"muted\">You registered no device: your codes go with the organization's shared AWS_MFA_SERIAL_NUMBER.</p>"
        }
        return """
            <h2>Your MFA device</h2>
            \(current)
            <form method="post" action="\(SiteURL.ownMFADevice(name).path)"><fieldset><legend>\(ownDeviceSerial == nil ? "Register your MFA device" : "Replace your MFA device")</legend>\(csrf)
            <label for="mfa-device-serial">Device serial</label>
            <input id="mfa-device-serial" name="serial" required minlength="9" maxlength="256" class="wide" aria-describedby="mfa-device-serial-help mfa-device-serial-error">
            \(fieldError("mfa-device-serial"))
            <p id="mfa-device-serial-help" class="muted">Its ARN (arn:aws:iam::ACCOUNT:mfa/NAME), one of the devices of the IAM user whose keys this organization's variables hold, or a hardware token's serial.</p>
            <p id="mfa-device-codes-help" class="muted">Prove it is yours: enter the code it shows, wait for the next one, and enter that too.</p>
            <label for="mfa-device-first-code">First code</label>
            <input id="mfa-device-first-code" name="first_code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" aria-describedby="mfa-device-codes-help mfa-device-first-code-error">
            \(fieldError("mfa-device-first-code"))
            <label for="mfa-device-second-code">Next code</label>
            <input id="mfa-device-second-code" name="second_code" required inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" aria-describedby="mfa-device-codes-help">
            <p><button type="submit">Save device</button></p></fieldset></form>
            """
    }

    /// Owners' view of every member's registered device, each with its revoke button.
    private func registeredDevices(csrf: HTML) -> HTML {
        guard !registrations.isEmpty else { return "<h2>Members' MFA devices</h2><p class=\"muted\">No member registered a device of their own.</p>" }
        let rows = registrations.map { entry -> HTML in
            """
            <tr><td>\(entry.username)</td><td><code>\(entry.serial)</code></td><td>\(entry.registeredAt.iso8601)</td>
            <td><form class="inline" method="post" action="\(SiteURL.revokeMFADevice(.value(organization)).path)">\(csrf)<input type="hidden" name="username" value="\(entry.username)"><button type="submit" class="danger" aria-label="Revoke \(entry.username)'s device">Revoke</button></form></td></tr>
            """
        }
        return """
            <h2>Members' MFA devices</h2>
            <table><thead><tr><th scope="col">Member</th><th scope="col">Device</th><th scope="col">Registered</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    static func roleOptions(selected: Membership.Role) -> [HTML] {
        Membership.Role.allCases.map { role in
            "<option value=\"\(role.rawValue)\"\(HTML(trusted: role == selected ? " selected" : ""))>\(role.rawValue)</option>"
        }
    }

    /// "2026-12-07T02:15:00Z, single sign-on", or "never".
    private static func describe(_ signIn: (at: Date, method: SignInMethod)?) -> HTML {
        guard let signIn else { return "never" }
        let time = signIn.at.iso8601
        let how = switch signIn.method {
        case .password: "password"
        case .singleSignOn: "single sign-on"
        case .breakGlass: "break-glass password"
        }
        return "<time datetime=\"\(time)\">\(time)</time>, \(how)"
    }
}
