@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What is approved, in-process: the summary read from the saved plan (addresses and actions, never values),
/// shown by the API; an approval names the plan's hash and is refused for any other plan, with nothing recorded.
@Suite struct PlanBindingTests {
    /// A plan that imports one resource, creates, updates, replaces and destroys, in the file Terraform saves.
    static func summary() throws -> PlanSummary {
        try PlanSummary(SavedPlan(PlanFileWriter.file([
            PlanFileWriter.change("terraform_data.new", .create), PlanFileWriter.change("terraform_data.edited", .update),
            PlanFileWriter.change(#"terraform_data.swapped["a"]"#, .deleteThenCreate), PlanFileWriter.change("terraform_data.old", .delete),
            PlanFileWriter.change("aws_s3_bucket.adopted", .noOp, importing: true),
        ])))
    }

    /// Beside the plan it approves, an approver reads that the configuration's own code runs again at apply time.
    @Test func theApprovalSaysTheConfigurationsCodeRunsWithTheApprovedSession() throws {
        let page = try #require(PlanSummaryView.render(nil, planSHA256: String(repeating: "a", count: 64), queuedBy: "mario")).text
        #expect(page.contains(#"id="apply-runs-code""#))
        #expect(page.contains("The apply runs this configuration&#39;s own code") || page.contains("The apply runs this configuration's own code"), "\(page)")
        #expect(page.contains("provisioners, providers, a credential_process"))
    }

    @Test func anApprovalNamesThePlanItSawAndAnyOtherIsRefused() async throws {
        try await ServerFixture.with { fixture in
            let environment = try await fixture.environment()
            let run = try await fixture.run(on: environment, by: "mario", reaching: .planned)
            let runID = try run.requireID()
            let hash = String(repeating: "ab", count: 32)
            let summary = try Self.summary()
            run.planSHA256 = hash
            run.planSummaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            try await run.save(on: fixture.app.db)
            let path = "/runs/\(runID.uuidString.lowercased())"

            let shown = try await fixture.call(.GET, path, as: "olivia")
            let body = try JSONSerialization.jsonObject(with: Data(shown.body.readableBytesView)) as? [String: Any] ?? [:]
            #expect(body["planSha256"] as? String == hash)
            let planSummary = body["planSummary"] as? [String: Any] ?? [:]
            #expect(planSummary["add"] as? Int == 2 && planSummary["destroy"] as? Int == 2 && planSummary["import"] as? Int == 1)

            let other = String(repeating: "cd", count: 32)
            let refused = await refusal {
                _ = try await Runs.confirm(runID, actor: try await fixture.user("olivia"), seenPlan: other, mfa: fixture.app.mfaServices, on: fixture.app.db)
            }
            #expect(refused?.code == "plan_mismatch")
            #expect(refused?.message.contains("cdcdcdcdcdcd") == true && refused?.message.contains("abababababab") == true)
            let overAPI = try await fixture.call(.POST, path + "/actions/confirm", as: "olivia", object: ["planSha256": other])
            #expect(overAPI.status == .conflict)
            #expect(try await RunApproval.query(on: fixture.app.db).count() == 0, "nothing recorded")
            #expect(try await Run.find(runID, on: fixture.app.db)?.state == .planned)

            let approved = try await fixture.call(.POST, path + "/actions/confirm", as: "olivia", object: ["planSha256": hash.uppercased()])
            #expect(approved.status == .ok, "\(approved.body.string)")
            let approval = try await RunApproval.query(on: fixture.app.db).first()
            #expect(approval?.planSHA256 == hash)
            #expect(try await Runs.events(of: runID, on: fixture.app.db).last?.note == "Apply confirmed; plan sha256 abababababab")
        }
    }
}
