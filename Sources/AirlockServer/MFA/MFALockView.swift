import Foundation

/// The lock icon of an MFA-gated step: neutral until someone authenticates, green once authenticated, red
/// with the error when authentication failed. The state is also written out, never shown by colour alone.
enum MFALockView {
    enum Status {
        case neutral
        case authenticated(by: String)
        /// Some of the approvals an apply needs are in (each with its code), not all: still closed.
        case awaitingApprovals(approvedBy: [String], required: Int)
        case failed(String)
    }

    static func status(of attempt: MFAAuthentication?) -> Status {
        guard let attempt else { return .neutral }
        return attempt.succeeded ? .authenticated(by: attempt.username) : .failed(attempt.error ?? "Authentication failed.")
    }

    static func render(_ status: Status) -> HTML {
        let (kind, text, detail): (String, String, String?) = switch status {
        case .neutral: ("neutral", "MFA token code required", nil)
        case let .authenticated(user): ("authenticated", "Authenticated with MFA by \(user)", nil)
        case let .awaitingApprovals(approvers, required):
            ("awaiting", "Approved with MFA by \(RunPage.names(approvers)) (\(approvers.count) of \(required)); "
                + "waiting for \(max(0, required - approvers.count)) more", nil)
        case let .failed(message): ("failed", "Authentication failed", message)
        }
        let error: HTML? = detail.map { " <span class=\"mfa-error\" id=\"mfa-error\">\($0)</span>" }
        // Closed while a code is needed or was refused; open once someone authenticated.
        let shape = if case .authenticated = status { "M4 7V5a4 4 0 0 1 7.9-.9l-1.9.5A2 2 0 0 0 6 5v2h7v8H3V7z" } else { "M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 1 0-4 0z" }
        return """
            <p class="mfa-lock mfa-lock-\(kind)" role="status" data-mfa="\(kind)"><svg class="lock-icon" aria-hidden="true" viewBox="0 0 16 16" width="18" height="18"><path d="\(shape)" fill="currentColor"/></svg> <strong>\(text)</strong>\(error)</p>
            """
    }

    /// The token field and "Authenticate" button, inside a form that already has its CSRF field.
    static func tokenField() -> HTML {
        """
        <label for="token-code">MFA token code</label>
        <input id="token-code" name="token_code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="token-code-help">
        <p id="token-code-help" class="muted">The 6 digits your MFA device shows now.</p>
        <p><button type="submit">Authenticate</button></p>
        """
    }

    /// A table of authentications, newest first.
    static func auditTable(_ records: [MFAAuthentication], runLink: (UUID) -> String?) -> HTML {
        guard !records.isEmpty else { return "<p class=\"muted\">No MFA authentications yet.</p>" }
        let rows = records.map { record -> HTML in
            let time = Date(timeIntervalSince1970: record.at).iso8601
            let run: HTML = record.runID.flatMap { id in runLink(id).map { "<a href=\"\($0)\">run</a>" } } ?? .empty
            let result: HTML = record.succeeded ? "succeeded" : "failed: \(record.error ?? "")"
            // Under a step-up rule, the first factor's word beside the person: what the identity provider said.
            let proof: HTML = record.identityProof.map { "<br><small class=\"muted\">\($0)</small>" } ?? .empty
            return "<tr><td><time datetime=\"\(time)\">\(time)</time></td><td>\(record.username)\(proof)</td><td><code>\(record.deviceSerial ?? "")</code></td><td>\(record.purpose == MFAAuthentication.policyOverride ? "policy override" : record.phase.rawValue)</td><td>\(run)</td><td><code title=\"\(record.planSHA256 ?? "")\">\(String(record.planSHA256?.prefix(12) ?? ""))</code></td><td>\(result)</td><td><code>\(record.stsRequestID ?? "")</code></td></tr>"
        }
        return """
            <div class="table-scroll" tabindex="0" role="region" aria-label="MFA authentications"><table><thead><tr><th scope="col">When</th><th scope="col">User</th><th scope="col">Device</th><th scope="col">Phase</th><th scope="col">Run</th><th scope="col">Plan approved</th><th scope="col">Result</th><th scope="col">STS request id</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }
}
