import Foundation

extension PolicySetsPage {
    /// The page's body; `csrf` is the visitor's form field, `fieldError` the flash message about a field.
    func render(csrf: HTML, fieldError: (String) -> HTML?) -> HTML {
        let name = SiteURL.Parameter.value(organization)
        let none: HTML = entries.isEmpty ? "<p class=\"muted\">No policy sets yet: plans here are not checked against any policy.</p>" : .empty
        let engine: HTML = hasEngine ? .empty
            : "<p class=\"flash flash-error\">This server has no policy engine (<code>airlock serve --policy-engine</code>): policy sets cannot be added, and plans that sets cover fail closed.</p>"
        let create: HTML = isOwner ? """
            <form method="post" action="\(SiteURL.policySets(name).path)"><fieldset><legend>Create a policy set</legend>\(csrf)
            <label for="set-name">Name</label><input id="set-name" name="name" required aria-describedby="set-name-error">
            \(fieldError("set-name"))
            \(enforcementSelect(id: "set-enforcement", selected: .advisory))
            <label for="set-environments">Environments (comma-separated; empty: every environment)</label>
            <input id="set-environments" name="environments" class="wide" aria-describedby="set-environments-error">
            \(fieldError("set-environments"))
            \(policyFields(Policy(name: "", source: ""), index: "new", required: true))
            \(fieldError("set-policies"))
            <p><button type="submit">Create policy set</button></p></fieldset></form>
            """ : "<p class=\"muted\">Only owners create and change policy sets.</p>"
        return """
            <p><a href="\(SiteURL.organization(name).path)">Back to \(organization)</a></p>
            <p class="muted">Each plan is checked, after it is saved and before anyone may confirm it, against every set that covers its
            environment. A policy is a Rego module: Airlock reads <code>deny</code> (a set of messages, each a failure) and
            <code>approvals_required</code> (the approvals the run needs at least) from the package it declares. Its input is the plan
            (<code>input.plan</code>, as <code>terraform show -json</code> gives it), <code>input.run</code> and <code>input.environment</code>.</p>
            \(engine)
            \(none)
            \(entries.map { section(for: $0, csrf: csrf) })
            \(create)
            """
    }

    private func section(for entry: Entry, csrf: HTML) -> HTML {
        let set = entry.set
        let (name, setName) = (SiteURL.Parameter.value(organization), SiteURL.Parameter.value(set.name))
        let scope = set.environments.map { $0.isEmpty ? "no environment" : $0.joined(separator: ", ") } ?? "every environment"
        let policies = set.policies.map { policy -> HTML in
            "<h4><code>\(policy.name)</code></h4><pre class=\"log\" tabindex=\"0\">\(policy.source)</pre>"
        }
        let versions = entry.versions.map { version -> HTML in
            let time = Date(timeIntervalSince1970: version.createdAt).iso8601
            return "<tr><td>v\(version.number)</td><td>\(version.createdBy)</td><td><time datetime=\"\(time)\">\(time)</time></td><td>\((version.policies ?? []).map(\.name).joined(separator: ", "))</td></tr>"
        }
        var owned: HTML = .empty
        if isOwner {
            let editable = (set.policies + [Policy(name: "", source: "")]).enumerated().map { index, policy in
                policyFields(policy, index: "\(set.name)-\(index)", required: false)
            }
            owned = """
                <form method="post" action="\(SiteURL.policySetAction(name, setName, .versions).path)"><fieldset><legend>New version of \(set.name)</legend>\(csrf)
                <p class="muted">Change a policy, add one in the empty fields, or empty a policy's source to leave it out.</p>
                \(editable)
                <p><button type="submit">Push version \(set.version + 1)</button></p></fieldset></form>
                <form method="post" action="\(SiteURL.policySetAction(name, setName, .settings).path)"><fieldset><legend>Enforcement and environments of \(set.name)</legend>\(csrf)
                \(enforcementSelect(id: "enforcement-\(set.name)", selected: set.enforcement))
                <label for="environments-\(set.name)">Environments (comma-separated; empty: every environment)</label>
                <input id="environments-\(set.name)" name="environments" class="wide" value="\(set.environments?.joined(separator: ", ") ?? "")">
                <p><button type="submit">Save</button></p></fieldset></form>
                <form class="inline" method="post" action="\(SiteURL.policySetAction(name, setName, .delete).path)" data-confirm="Delete the policy set \(set.name) and its versions?">\(csrf)<button type="submit" class="danger">Delete \(set.name)</button></form>
                """
        }
        return """
            <section class="policy-set" aria-labelledby="set-\(set.name)"><h2 id="set-\(set.name)">\(set.name)</h2>
            <p>\(set.enforcement.label) · checks \(scope) · version \(set.version) by \(set.versionCreatedBy)</p>
            \(policies)
            <table><caption>Versions</caption><thead><tr><th scope="col">Version</th><th scope="col">By</th><th scope="col">When</th><th scope="col">Policies</th></tr></thead><tbody>\(versions)</tbody></table>
            \(owned)
            </section>
            """
    }

    private func enforcementSelect(id: String, selected: PolicyEnforcement) -> HTML {
        let options = PolicyEnforcement.allCases.map { level -> HTML in
            "<option value=\"\(level.rawValue)\"\(level == selected ? " selected" as HTML : .empty)>\(level.label)</option>"
        }
        return "<label for=\"\(id)\">Enforcement</label><select id=\"\(id)\" name=\"enforcement\">\(options)</select>"
    }

    private func policyFields(_ policy: Policy, index: String, required: Bool) -> HTML {
        let need: HTML = required ? " required" : .empty
        return """
            <label for="policy-name-\(index)">Policy name</label><input id="policy-name-\(index)" name="policy_name[]" value="\(policy.name)"\(need)>
            <label for="policy-source-\(index)">Rego</label><textarea id="policy-source-\(index)" name="policy_source[]" class="wide" rows="8"\(need)>\(policy.source)</textarea>
            """
    }
}
