import Fluent
import Foundation
import NIOHTTP1
import Vapor

/// `/state/:organization/:environment`: Terraform's built-in `http` backend, which every run's override
/// file points at. A run authenticates with its own token (basic auth password): while it plans it may
/// only read; while it applies it may also lock, write and unlock. A member may read with an API token (so
/// `terraform state pull` works from a laptop), and an owner may also lock, write and unlock (`terraform
/// state push`, `force-unlock`). While the state is locked, a write or an unlock must name the lock's ID.
struct StateBackendRoutes: RouteCollection {
    enum Caller {
        /// A run's Terraform; `applying` says whether the run is in its apply.
        case run(UUID, applying: Bool)
        case owner
        case member

        var mayWrite: Bool {
            switch self {
            case let .run(_, applying): applying
            case .owner: true
            case .member: false
            }
        }

        /// Only an owner releases a lock without naming it (`terraform force-unlock`).
        var mayForceUnlock: Bool {
            if case .owner = self { true } else { false }
        }

        var refusal: String {
            if case .run = self { "A run's token only reads the state during a plan; it locks and writes it during the apply." }
            else { "Only a run or an organization owner locks and writes an environment's state." }
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let state = routes.grouped("state", ":organization", ":environment")
        state.get(use: read)
        // Bodies are streamed and read only after the caller is authorized (`Request.collectBody(upTo:)`).
        state.on(.POST, body: .stream, use: write)
        state.on(.RAW(value: "LOCK"), "lock", body: .stream, use: lock)
        state.on(.RAW(value: "UNLOCK"), "lock", body: .stream, use: unlock)
    }

    /// Largest state accepted.
    static let maximumStateBytes = 256 << 20
    /// Largest lock information accepted.
    static let maximumLockBytes = 64 << 10

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
        guard caller.mayWrite else { throw Abort(.forbidden, reason: caller.refusal) }
        let runID: UUID? = if case let .run(id, _) = caller { id } else { nil }
        guard let body = try await request.collectBody(upTo: Self.maximumStateBytes), body.readableBytes > 0 else {
            throw Abort(.badRequest, reason: "No state in the request.")
        }
        let held = try await TerraformEnvironment.find(environment.requireID(), on: request.db)?.stateLock.flatMap(StateLockInfo.id(in:))
        let given: String? = request.query["ID"]
        if let held, given != held {
            throw Abort(.conflict, reason: "The state is locked (lock \(held)); a write must carry that lock's ID.")
        }
        if held == nil, runID != nil {
            throw Abort(.conflict, reason: "A run writes the state only while it holds the state's lock.")
        }
        let started = ContinuousClock.now
        do {
            try await StateVersions.store(Data(body.readableBytesView), for: try environment.requireID(), runID: runID,
                                          secrets: request.application.secretBox, on: request.db)
        } catch let refused as StateVersions.Refused {
            throw Abort(.conflict, reason: refused.description)
        }
        if let runID { await StateSaveTimes.shared.record(runID, bytes: body.readableBytes, duration: ContinuousClock.now - started) }
        return Response(status: .ok)
    }

    func lock(_ request: Request) async throws -> Response {
        let (environment, caller) = try await authorize(request)
        guard caller.mayWrite else { throw Abort(.forbidden, reason: caller.refusal) }
        let info = try await request.collectBody(upTo: Self.maximumLockBytes).map { String(buffer: $0) } ?? "{}"
        let runID: UUID? = if case let .run(id, _) = caller { id } else { nil }
        if let held = try await StateLocks.take(info, in: try environment.requireID(), for: runID, on: request.db) {
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .locked, headers: headers, body: .init(string: held))
        }
        return Response(status: .ok)
    }

    func unlock(_ request: Request) async throws -> Response {
        let (environment, caller) = try await authorize(request)
        guard caller.mayWrite else { throw Abort(.forbidden, reason: caller.refusal) }
        let given = try await request.collectBody(upTo: Self.maximumLockBytes).map { String(buffer: $0) }.flatMap(StateLockInfo.id(in:))
        // An owner's `terraform force-unlock` sends no lock information; anyone else names the lock.
        if given == nil, !caller.mayForceUnlock {
            throw Abort(.conflict, reason: "An unlock must name the lock's ID.")
        }
        do {
            try await StateLocks.release(given, in: try environment.requireID(), on: request.db)
        } catch let refused as StateLocks.Refused {
            throw Abort(.conflict, reason: refused.description)
        }
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
            throw EnvironmentRefusal.notFound(name)
        }
        let hash = APIToken.hash(basic.password)
        if basic.password.hasPrefix("airlock_run_") {
            guard let run = try await Run.query(on: request.db).filter(\.$environment.$id == environment.requireID())
                .filter(\.$backendTokenHash == hash).filter(\.$state ~~ RunState.executing).first() else {
                throw Abort(.unauthorized, reason: "This run token is not valid (the run is over).")
            }
            return (environment, .run(try run.requireID(), applying: run.state == .applying))
        }
        guard let token = try await APIToken.query(on: request.db).filter(\.$tokenHash == hash).first(), !token.isExpired(at: request.application.clock.now),
              let membership = try await Membership.query(on: request.db).filter(\.$organization.$id == environment.$organization.id)
                .filter(\.$user.$id == token.$user.id).first() else {
            throw EnvironmentRefusal.notFound(name)
        }
        return (environment, membership.role == .owner ? .owner : .member)
    }
}
