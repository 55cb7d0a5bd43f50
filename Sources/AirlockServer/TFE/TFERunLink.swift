import Fluent
import Vapor

/// The link Terraform prints for a run ("To view this run in a browser, visit: HOST/app/ORG/WORKSPACE/runs/run-ID")
/// leads to the run's page in Airlock.
struct TFERunLink: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("app", ":organization", ":workspace", "runs", ":run") { request -> Response in
            guard let runID = TFEID.parse(try request.parameters.require("run"), prefix: "run") else { throw RunRefusal.notFound }
            let located = try await Runs.find(runID, in: try request.parameters.require("organization"), try request.parameters.require("workspace"),
                                              actorID: try request.userID, on: request.db)
            return request.redirect(to: RunPages.path(located.organization, located.environment, run: runID), redirectType: .normal)
        }
    }
}
