import Foundation

extension TeamsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let name = SiteURL.Parameter.value(organization)
        let sections = teams.map { section(for: $0, csrf: csrf) }
        let none: HTML = teams.isEmpty ? "<p class=\"muted\">No teams yet. Until an environment gives a team access, every member reads it, queues plans and approves applies there.</p>" : .empty
        let create: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.teams(name).path)"><fieldset><legend>Create a team</legend>\(csrf)
            <label for="team-name">Name</label><input id="team-name" name="name" required aria-describedby="team-name-error">
            \(fieldError("team-name"))
            <label for="team-group">Identity provider group (optional)</label><input id="team-group" name="group" class="wide" aria-describedby="team-group-help team-group-error">
            \(fieldError("team-group"))
            <p id="team-group-help" class="muted">\(groupHelp)</p>
            <p><button type="submit">Create team</button></p></fieldset></form>
            """ : "<p class=\"muted\">Only owners create and change teams.</p>"
        return """
            <p><a href="\(SiteURL.organization(name).path)">Back to \(organization)</a></p>
            \(none)
            \(sections)
            \(create)
            """
    }

    private var groupHelp: String {
        hasIdentityProvider
            ? "As the identity provider's groups claim names it. Its people join the team (and the organization) at their next sign-in, and leave it at the first sign-in without the group."
            : "This server signs no one in through an identity provider yet: a group takes effect once it does."
    }

    private func section(for team: Teams.Listed, csrf: HTML) -> HTML {
        let (name, teamName) = (SiteURL.Parameter.value(organization), SiteURL.Parameter.value(team.name))
        let people = team.members.map { member -> HTML in
            let how: HTML = member.fromGroup ? " <span class=\"muted\">(from the group)</span>" : .empty
            let remove: HTML = isOwner && !member.fromGroup ? """
                <form class="inline" method="post" action="\(SiteURL.removeTeamMember(name, teamName, .value(member.username)).path)">\(csrf)<button type="submit" class="danger" aria-label="Remove \(member.username) from \(team.name)">Remove</button></form>
                """ : .empty
            return "<li>\(member.username)\(how) \(remove)</li>"
        }
        let access = team.environments.map { entry -> HTML in
            "<li><a href=\"\(SiteURL.environment(name, .value(entry.environment)).path)\">\(entry.environment)</a>: \(entry.access.label)</li>"
        }
        let group: HTML = team.identityProviderGroup.map { "<p>Follows the identity provider group <code>\($0)</code>.</p>" } ?? .empty
        let manage: HTML = isOwner ? """
            <form class="inline" method="post" action="\(SiteURL.teamMembers(name, teamName).path)">\(csrf)
            <label for="team-\(team.name)-username">Add a member to \(team.name)</label><input id="team-\(team.name)-username" name="username" required>
            <button type="submit">Add</button></form>
            <form class="inline" method="post" action="\(SiteURL.teamGroup(name, teamName).path)">\(csrf)
            <label for="team-\(team.name)-group">Identity provider group</label><input id="team-\(team.name)-group" name="group" value="\(team.identityProviderGroup ?? "")">
            <button type="submit">Save group</button></form>
            <form class="inline" method="post" action="\(SiteURL.deleteTeam(name, teamName).path)" data-confirm="Delete the team \(team.name)? Its people lose the access it gives them.">\(csrf)
            <button type="submit" class="danger">Delete team</button></form>
            """ : .empty
        return """
            <section id="team-\(team.name)"><h2>\(team.name)</h2>
            \(group)
            <h3>People</h3>\(people.isEmpty ? "<p class=\"muted\">No one yet.</p>" as HTML : "<ul>\(people)</ul>")
            <h3>Environments</h3>\(access.isEmpty ? "<p class=\"muted\">None: give it access on an environment's settings page.</p>" as HTML : "<ul>\(access)</ul>")
            \(manage)
            </section>
            """
    }
}
