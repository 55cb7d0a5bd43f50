/// A run's policy check on its page: the status, each set with its version and enforcement, each policy's pass or
/// failure with its messages, what the policies ask of approvals, and the override when there is one.
enum PolicyCheckView {
    static func render(_ check: PolicyCheck?) -> HTML? {
        guard let check else { return nil }
        let sets = check.sets.map { set -> HTML in
            let outcome: HTML = set.error != nil ? "<span class=\"state state-errored\">errored</span>"
                : set.failed ? "<span class=\"state state-\(set.enforcement == .advisory ? "planned" : "errored")\">failed</span>"
                : "<span class=\"state state-applied\">passed</span>"
            let error: HTML = set.error.map { "<p class=\"flash flash-error\">\($0)</p>" } ?? .empty
            let policies = set.policies.map { policy -> HTML in
                let messages = policy.messages.map { message -> HTML in "<li>\(message)</li>" }
                return "<li><strong>\(policy.passed ? "pass" : "fail")</strong> <code>\(policy.name)</code>\(messages.isEmpty ? HTML.empty : "<ul>\(messages)</ul>")</li>"
            }
            let approvals: HTML = set.approvalsRequired.map { "<p>Its policies ask for \($0) approval\($0 == 1 ? "" : "s") before the apply.</p>" } ?? .empty
            return """
                <div class="policy-set"><p>Policy set <strong>\(set.name)</strong> v\(set.version) · \(set.enforcement.label) · \(outcome)</p>
                \(error)<ul class="policies">\(policies)</ul>\(approvals)</div>
                """
        }
        let override: HTML = check.override.map {
            "<p id=\"policy-override\">Overridden by \($0.by) with MFA at <time datetime=\"\(RunPages.isoDate($0.at))\">\(RunPages.isoDate($0.at))</time>: \($0.reason)</p>"
        } ?? .empty
        return """
            <section id="policy-check" aria-labelledby="policy-check-title"><h2 id="policy-check-title">Policy check</h2>
            <p id="policy-check-status">\(check.headline)</p>
            \(sets)
            \(override)
            </section>
            """
    }

    /// The owner's override form of a run waiting for it: a reason, and their MFA code.
    static func overrideForm(action: String, csrf: HTML) -> HTML {
        """
        <form method="post" action="\(action)"><fieldset><legend>Override the soft-mandatory policy failure</legend>\(csrf)
        <label for="override-reason">Reason (kept in the run's history and its policy check)</label>
        <textarea id="override-reason" name="reason" required maxlength="\(Runs.overrideReasonLength)" rows="2"></textarea>
        \(MFALockView.tokenField())
        </fieldset></form>
        """
    }
}
