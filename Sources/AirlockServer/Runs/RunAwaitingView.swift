import Foundation

/// "What this run waits for" on the run's page: the need, the approvals that count (who, with which device, when),
/// and whether the visitor may give what is needed, with which device, or why not.
enum RunAwaitingView {
    static func render(_ awaiting: RunAwaiting, approvalsLine: HTML?) -> HTML {
        let given = awaiting.approvals.map { approval -> HTML in
            let time = approval.at.iso8601
            let device: HTML = approval.device.map { " with MFA device <code class=\"wrap\">\($0)</code>" } ?? " (no code needed)"
            return "<li><strong>\(approval.username)</strong> approved at <time datetime=\"\(time)\">\(time)</time>\(device)</li>"
        }
        let list: HTML? = given.isEmpty ? nil : "<ul id=\"approvals-given\">\(given)</ul>"
        let viewer: HTML? = awaiting.viewerLine.map {
            "<p id=\"awaiting-viewer\" class=\"\(awaiting.viewer?.may == true ? "may" : "may-not")\">\($0)</p>"
        }
        return """
            <section id="awaiting" aria-labelledby="awaiting-heading" data-need="\(awaiting.need.rawValue)">
            <h2 id="awaiting-heading">What this run waits for</h2>
            <p id="awaiting-headline"><strong>\(awaiting.headline)</strong></p>
            \(approvalsLine)
            \(list)
            \(viewer)
            </section>
            """
    }
}
