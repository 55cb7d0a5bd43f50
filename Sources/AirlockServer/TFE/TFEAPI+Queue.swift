import Fluent
import Vapor

/// What Terraform reads while its run waits (`waitForRun` in its `cloud` and `remote` backends, every 30 seconds):
/// the organization's run queue, to say how many runs a worker takes before its own, and the organization's
/// capacity, to tell those waiting from those executing.
extension TFEAPI {
    /// `GET /organizations/:organization/runs/queue`: the organization's runs executing now, then those waiting for
    /// a worker in the order workers take them, a page at a time. A waiting run's `position-in-queue` counts the runs
    /// executing and those a worker takes before it, as on TFE, or is 0 when it is next (Terraform prints
    /// "Waiting for the plan to start..." then, and "Waiting for N queued run(s) to finish before starting..."
    /// with the position less the capacity's running runs otherwise).
    func organizationRunQueue(_ request: Request) async throws -> Response {
        let organization = try await TFEOrganization.find(request)
        let queue = try await OrganizationRunQueue.load(organizationID: organization.organizationID, on: request.db)
        let all = queue.executing.map { ($0, 0) } + queue.waiting.enumerated().map { ahead, id in
            (id, ahead == 0 ? 0 : queue.executing.count + ahead)
        }
        let runs = try await Runs.listed(Run.query(on: request.db).filter(\.$id ~~ all.map(\.0))).all()
        let byID = Dictionary(runs.compactMap { run in run.id.map { ($0, run) } }) { first, _ in first }
        // Runs of environments the caller may not see are counted in the positions, never listed.
        let visible = try await Environments.visibleIDs(in: organization, actorID: try request.userID, on: request.db)
        let entries = all.filter { id, _ in byID[id].map { visible?.contains($0.$environment.id) ?? true } ?? false }
        let page = TFEPage(request)
        let shown = Array(page.slice(entries))
        let resources = try shown.compactMap { id, position -> TFEResource? in
            guard let run = byID[id] else { return nil }  // it ended since: the next read will not list it either
            var resource = try TFERun.resource(run, configurationUpload: nil)
            resource.attributes["position-in-queue"] = .int(position)
            return resource
        }
        return try TFEDocument.page(resources, page, totalCount: entries.count)
    }

    /// `GET /organizations/:organization/capacity`: how many of the organization's runs execute now and how many
    /// wait for a worker.
    func organizationCapacity(_ request: Request) async throws -> Response {
        let organization = try await TFEOrganization.find(request)
        let queue = try await OrganizationRunQueue.load(organizationID: organization.organizationID, on: request.db)
        return try TFEDocument.response(.init(type: "organization-capacity", id: organization.organizationName, attributes: [
            "pending": .int(queue.waiting.count), "running": .int(queue.executing.count),
        ]))
    }
}
