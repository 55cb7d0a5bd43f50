@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What is approved, in-process: the summary read from `terraform show -json` (addresses and actions, never values),
/// shown by the API; an approval names the plan's hash and is refused for any other plan, with nothing recorded.
@Suite struct PlanBindingTests {
    /// The shape `terraform show -json` gives a plan (format 1.2), trimmed to what matters here, with a value that
    /// must never be kept.
    static let shown = #"""
        {"format_version":"1.2","terraform_version":"1.15.5","resource_changes":[
        {"address":"terraform_data.kept","mode":"managed","type":"terraform_data","name":"kept","change":{"actions":["no-op"],"before":{},"after":{}}},
        {"address":"terraform_data.new","mode":"managed","type":"terraform_data","name":"new","change":{"actions":["create"],"before":null,"after":{"input":"hunter2-secret"},"after_sensitive":{"input":true}}},
        {"address":"terraform_data.edited","mode":"managed","type":"terraform_data","name":"edited","change":{"actions":["update"]}},
        {"address":"terraform_data.swapped[\"a\"]","mode":"managed","type":"terraform_data","name":"swapped","index":"a","change":{"actions":["delete","create"]}},
        {"address":"terraform_data.old","mode":"managed","type":"terraform_data","name":"old","change":{"actions":["delete"]}},
        {"address":"data.aws_caller_identity.me","mode":"data","type":"aws_caller_identity","name":"me","change":{"actions":["read"]}},
        {"address":"aws_s3_bucket.adopted","mode":"managed","type":"aws_s3_bucket","name":"adopted","change":{"actions":["no-op"],"importing":{"id":"bucket"}}}
        ]}
        """#

    @Test func theSummaryCountsAsTerraformDoesAndKeepsNoValues() throws {
        let output = Data(("Warning: something on standard error\n" + Self.shown.replacingOccurrences(of: "\n", with: "") + "\n").utf8)
        let summary = try PlanSummary(terraformShowOutput: output)
        #expect(summary.headline == "Plan: 1 to import, 2 to add, 1 to change, 2 to destroy.")
        #expect(summary.resources.map(\.action) == [.create, .update, .replace, .delete, .read, .import])
        #expect(summary.resources.map(\.address).contains(#"terraform_data.swapped["a"]"#))
        let stored = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(!stored.contains("hunter2"), "values never reach the summary")
        #expect(throws: PlanSummaryError.self) { try PlanSummary(terraformShowOutput: Data("Error: no plan\n".utf8)) }
        #expect(throws: PlanSummaryError.self) { try PlanSummary(terraformShowOutput: Data("{\"resource_changes\":[{\"address\":1}]}\n".utf8)) }
    }

    @Test func aLongPlanListsItsFirstResourcesAndCountsTheRest() throws {
        let changes = (0..<(PlanSummary.listedLimit + 7)).map { #"{"address":"terraform_data.n\#($0)","change":{"actions":["create"]}}"# }
        let summary = try PlanSummary(terraformShowOutput: Data(#"{"resource_changes":[\#(changes.joined(separator: ","))]}"#.utf8))
        #expect(summary.add == PlanSummary.listedLimit + 7)
        #expect(summary.resources.count == PlanSummary.listedLimit && summary.unlisted == 7)
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
            let summary = try PlanSummary(terraformShowOutput: Data(Self.shown.replacingOccurrences(of: "\n", with: "").utf8))
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
