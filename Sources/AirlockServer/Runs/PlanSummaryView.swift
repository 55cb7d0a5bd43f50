import Foundation

/// The run page's "What this plan does": Terraform's counts, each resource by action (destructive ones marked),
/// the saved plan's SHA-256 and who queued it; what an approver reviews beside the token field.
enum PlanSummaryView {
    static func render(_ summary: PlanSummary?, planSHA256: String?, queuedBy: String) -> HTML? {
        guard summary != nil || planSHA256 != nil else { return nil }
        let headline: HTML = summary.map { "<p><strong id=\"plan-headline\">\($0.headline)</strong></p>" }
            ?? "<p class=\"muted\">The plan's summary could not be read; its log below says what Terraform will do.</p>"
        let rows = (summary?.resources ?? []).map { resource -> HTML in
            // Isolated, so a right-to-left key cannot reorder what is around it; one with characters outside ASCII (which
            // may be invisible, or look like others) is also shown spelled out.
            let spelled: HTML? = PlanAddress.spelledOut(resource.address).map { "<br><small class=\"muted\">spelled out: <code dir=\"ltr\">\($0)</code></small>" }
            return "<tr\(resource.action.isDestructive ? HTML(trusted: " class=\"destructive\"") : .empty)><td>\(resource.action.label)</td><td><code dir=\"ltr\">\(resource.address)</code>\(spelled)</td></tr>"
        }
        let table: HTML? = rows.isEmpty ? nil
            : "<table id=\"plan-resources\"><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Resource</th></tr></thead><tbody>\(rows)</tbody></table>"
        let more: HTML? = (summary?.unlisted ?? 0) > 0 ? "<p class=\"muted\">and \(summary?.unlisted ?? 0) more resources (see the plan log)</p>" : nil
        let hash: HTML? = planSHA256.map {
            "<p>Saved plan sha256 <code id=\"plan-sha256\">\($0)</code> · queued by <strong>\(queuedBy)</strong>. Confirming approves exactly this plan.</p>"
        }
        return """
            <section id="plan-summary" aria-labelledby="plan-summary-heading">
            <h2 id="plan-summary-heading">What this plan does</h2>
            \(headline)
            \(table)
            \(more)
            \(hash)
            <p id="apply-runs-code" class="muted">\(applyRunsCode)</p>
            </section>
            """
    }

    /// What an approver must know besides the plan: the apply runs the configuration's code again.
    static let applyRunsCode = "The apply runs this configuration's own code (provisioners, providers, a credential_process) with the AWS session you approve; Airlock binds the plan, not what that code does. Review the configuration as well as the plan."

    /// The hidden field that binds a Confirm & Apply form to the plan shown.
    static func binding(_ planSHA256: String?) -> HTML? {
        planSHA256.map { "<input type=\"hidden\" name=\"plan_sha256\" value=\"\($0)\">" }
    }
}
