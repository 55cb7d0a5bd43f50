import Fluent
import Foundation
import NIOHTTP1
import Vapor

/// `/state/:organization/:environment`: Terraform's built-in `http` backend, which every run's override
/// file points at. A run authenticates with its own token (basic auth password) and may read, write and
/// lock; a member may read with an API token (so `terraform state pull` works from a laptop), and an owner
/// may also write and lock (`terraform state push`, e.g. to move an existing state into Airlock).
struct StateBackendRoutes: RouteCollection {
    enum Caller {
        case run(UUID)
        case owner
        case member

        var mayWrite: Bool {
            if case .member = self { false } else { true }
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let state = routes.grouped("state", ":organization", ":environment")
        state.get(use: read)
        state.on(.POST, body: .collect(maxSize: "256mb"), use: write)
        state.on(.RAW(value: "LOCK"), "lock", body: .collect(maxSize: "64kb"), use: lock)
        state.on(.RAW(value: "UNLOCK"), "lock", body: .collect(maxSize: "64kb"), use: unlock)
    }

    func read(_ request: Request) async throws -> Response {
        let (environment, _) = try await authorize(request)
        guard let state = try await StateVersions.current(of: try environment.requireID(), secrets: request.application.secretBox,
                                                          on: request.db) else {
            return Response(status: .noContent)
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: state))
    }

    func write(_ request: Request) async throws -> Response {
        let (environment, caller) = try await authorize(request)
        guard caller.mayWrite else { throw Abort(.forbidden, reason: "Only a run or an organization owner writes an environment's state.") }
        let runID: UUID? = if case let .run(id) = caller { id } else { nil }
        guard let body = request.body.data else { throw Abort(.badRequest, reason: "No state in the request.") }
        do {
            try await StateVersions.store(Data(body.readableBytesView), for: try environment.requireID(), runID: runID,
                                          secrets: request.application.secretBox, on: request.db)
        } catch let refused as StateVersions.Refused {
            throw Abort(.conflict, reason: refused.description)
        }
        return Response(status: .ok)
    }

    func lock(_ request: Request) async throws -> Response {
        let (environment, caller) = try await authorize(request)
        guard caller.mayWrite else { throw Abort(.forbidden, reason: "Only a run or an organization owner locks an environment's state.") }
        let info = request.body.string ?? "{}"
        let environmentID = try environment.requireID()
        return try await request.db.transaction { database in
            try await RowLock.lock(TerraformEnvironment.schema, id: environmentID, on: database)
            guard let current = try await TerraformEnvironment.find(environmentID, on: database) else { throw Abort(.notFound) }
            if let held = current.stateLock {
                var headers = HTTPHeaders()
                headers.contentType = .json
                return Response(status: .locked, headers: headers, body: .init(string: held))
            }
            current.stateLock = info
            try await current.save(on: database)
            return Response(status: .ok)
        }
    }

    func unlock(_ request: Request) async throws -> Response {
        let (environment, caller) = try await authorize(request)
        guard caller.mayWrite else { throw Abort(.forbidden, reason: "Only a run or an organization owner unlocks an environment's state.") }
        try await TerraformEnvironment.query(on: request.db).filter(\.$id == environment.requireID()).set(\.$stateLock, to: nil).update()
        return Response(status: .ok)
    }

    /// The environment of the URL and who is calling; 401 without credentials, 404 for what they cannot see.
    private func authorize(_ request: Request) async throws -> (TerraformEnvironment, Caller) {
        guard let basic = request.headers.basicAuthorization else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Basic realm=\"airlock state\""],
                        reason: "Give a run's token or your API token as the basic auth password.")
        }
        let organization = try request.parameters.require("organization")
        let name = try request.parameters.require("environment")
        guard let environment = try await TerraformEnvironment.query(on: request.db).join(Organization.self, on: \TerraformEnvironment.$organization.$id == \Organization.$id)
            .filter(Organization.self, \.$name == organization).filter(\.$name == name).first() else {
            throw APIError.environmentNotFound(name)
        }
        let hash = APIToken.hash(basic.password)
        if basic.password.hasPrefix("airlock_run_") {
            guard let run = try await Run.query(on: request.db).filter(\.$environment.$id == environment.requireID())
                .filter(\.$backendTokenHash == hash).filter(\.$state ~~ RunState.executing).first() else {
                throw Abort(.unauthorized, reason: "This run token is not valid (the run is over).")
            }
            return (environment, .run(try run.requireID()))
        }
        guard let token = try await APIToken.query(on: request.db).filter(\.$tokenHash == hash).first(),
              let membership = try await Membership.query(on: request.db).filter(\.$organization.$id == environment.$organization.id)
                .filter(\.$user.$id == token.$user.id).first() else {
            throw APIError.environmentNotFound(name)
        }
        return (environment, membership.role == .owner ? .owner : .member)
    }
}
