import Vapor

/// Wakes this server's idle run workers after any request that acted on runs and succeeded (a route whose rule's
/// action is `Action.plan` or `.approve`: a plan queued, confirmed, authenticated, discarded or canceled, through the API, the
/// pages or the TFE API): the one place an edge signals the workers. Workers on other servers find the run on
/// their next look at the queue.
struct RunWorkersWakeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.method != .GET, response.status.code < 400, let route = request.route, [.plan, .approve].contains(RouteRules.rule(for: route)?.action) {
            request.application.runWorkers?.notify()
        }
        return response
    }
}
