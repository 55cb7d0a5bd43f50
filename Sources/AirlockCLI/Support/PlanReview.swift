import AirlockAPIClient

/// What `airlock run apply` shows before it asks for a code: the saved plan's counts and resources by action
/// (as the run page shows them), its SHA-256 and who queued it. The approval sent after it names that hash.
enum PlanReview {
    typealias Run = Components.Schemas.Run

    static func text(of run: Run) -> String {
        var lines: [String] = []
        if let summary = run.planSummary {
            var counts = ["\(summary.add) to add", "\(summary.change) to change", "\(summary.destroy) to destroy"]
            if summary._import > 0 { counts.insert("\(summary._import) to import", at: 0) }
            let actions = (summary.invoke ?? 0) > 0 ? " Actions: \(summary.invoke ?? 0) to invoke." : ""
            lines.append("Plan: " + counts.joined(separator: ", ") + "." + actions)
            for resource in summary.resources {
                lines.append("  \(symbol(resource.action)) \(printable(resource.address))")
            }
            if summary.unlistedResources > 0 { lines.append("  ... and \(summary.unlistedResources) more (see the plan log)") }
        } else {
            lines.append("The plan's summary could not be read; see its log (airlock run logs --env \(run.organization)/\(run.environment) --run \(run.id)).")
        }
        if let hash = run.planSha256 {
            lines.append("Saved plan sha256 \(hash), queued by \(run.createdBy). Approving approves exactly this plan.")
        }
        return lines.joined(separator: "\n")
    }

    /// The text with every control or formatting character (a terminal's escape, a right-to-left override) shown as
    /// its code: an address is the configuration's text, and must not redraw the lines around it.
    static func printable(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            let hidden = scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isBidiControl
                || [.control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned]
                    .contains(scalar.properties.generalCategory)
            if hidden {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    /// Terraform's own marks for each action.
    private static func symbol(_ action: Components.Schemas.PlanSummary.ResourcesPayloadPayload.ActionPayload) -> String {
        switch action {
        case .create: "+ create "
        case .update: "~ update "
        case .replace: "-/+ replace"
        case .delete: "- destroy"
        case .read: "<= read  "
        case ._import: "<- import "
        case .forget: ". forget "
        case .createThenForget: "+/. create, forget the old"
        case .invoke: "! invoke "
        }
    }
}
