import AirlockTesting
import Foundation
import Testing

/// Runs through the pages: "Queue plan", the run page with its logs, "Confirm & Apply", "Discard".
@Suite struct RunPageTests {
    @Test func aMemberQueuesConfirmsAndReadsTheLogsOnThePages() async throws {
        try await RunWorld.with { world in
            #expect(try await world.call("PUT", "/organizations/acme/variables/RUN_SECRET",
                                         json: #"{"value":"\#(RunLifecycleTests.secret)","sensitive":true}"#).status == 200)
            #expect(try await world.upload(RunLifecycleTests.resources()).status == 201)
            let mario = Browser(base: world.base)
            #expect(try await mario.logIn("mario", password: ServerProcessFixture.password).status == 303)
            let environment = try await mario.get("/terraform/acme/environments/prod")
            #expect(environment.body.contains("Queue plan"))
            let queued = try await mario.submit("/terraform/acme/environments/prod/runs", [("message", "from the page")])
            let runPath = try #require(queued.location)
            #expect(runPath.hasPrefix("/terraform/acme/environments/prod/runs/"))
            let runID = String(runPath.split(separator: "/").last!)
            try await world.expect(runID, reaches: "planned")
            let planned = try await mario.get(runPath)
            #expect(planned.body.contains("Confirm &amp; Apply</button>") && planned.body.contains("Discard</button>"))
            #expect(planned.body.contains("terraform_data.thing will be created"))
            #expect(try await mario.get("/terraform/acme/environments/prod").body.contains("from the page"))
            #expect(try await mario.submit(runPath + "/confirm", []).location == runPath)
            try await world.expect(runID, reaches: "applied")
            let applied = try await mario.get(runPath)
            #expect(applied.body.contains("Apply complete!") && applied.body.contains("token=***"))
            #expect(!applied.body.contains(RunLifecycleTests.secret))
            #expect(!applied.body.contains("Confirm &amp; Apply</button>"))
            // Acting again is refused with the reason, shown on the page.
            _ = try await mario.submit(runPath + "/discard", [])
            #expect(try await mario.get(runPath).body.contains("A run that is applied cannot be discarded."))
            // Another organization's user cannot see it, even at a URL naming it.
            let otto = Browser(base: world.base)
            _ = try await otto.logIn("otto", password: ServerProcessFixture.password)
            #expect(try await otto.get(runPath).status == 404)
            #expect(try await otto.get("/terraform/other/environments/prod/runs/\(runID)").status == 404)
        }
    }
}
