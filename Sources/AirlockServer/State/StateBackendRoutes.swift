import Fluent
import Foundation
import NIOHTTP1
import Vapor

/// `/state/:organization/:environment`: Terraform's built-in `http` backend, which every run's override file
/// points at. Who calls and what they may do is `StateCaller`'s (set by `AuthorizationMiddleware` before any
/// body is read); the lock rules are `StateVersions`' and `StateLocks`'. This only translates.
struct StateBackendRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let state = routes.grouped("state", ":organization", ":environment").grouped(AuthorizationMiddleware())
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
        let (environmentID, _) = try await caller(of: request)
        guard let state = try await StateVersions.current(of: environmentID, secrets: request.application.secretBox, on: request.db) else {
            return Response(status: .noContent)
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: state))
    }

    func write(_ request: Request) async throws -> Response {
        let (environmentID, caller) = try await caller(of: request)
        try caller.requireWrite()
        guard let body = try await request.collectBody(upTo: Self.maximumStateBytes), body.readableBytes > 0 else {
            throw Abort(.badRequest, reason: "No state in the request.")
        }
        let started = ContinuousClock.now
        let writer = StateWriter(runID: caller.runID, lockID: request.query["ID"], mustHoldLock: caller.runID != nil)
        try await StateVersions.store(Data(body.readableBytesView), for: environmentID, by: writer, secrets: request.application.secretBox,
                                      on: request.db)
        if let runID = caller.runID {
            await StateSaveTimes.shared.record(runID, bytes: body.readableBytes, duration: ContinuousClock.now - started)
        }
        return Response(status: .ok)
    }

    func lock(_ request: Request) async throws -> Response {
        let (environmentID, caller) = try await caller(of: request)
        try caller.requireWrite()
        let info = try await request.collectBody(upTo: Self.maximumLockBytes).map { String(buffer: $0) } ?? "{}"
        if let held = try await StateLocks.take(info, in: environmentID, for: caller.runID, on: request.db) {
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .locked, headers: headers, body: .init(string: held))
        }
        return Response(status: .ok)
    }

    func unlock(_ request: Request) async throws -> Response {
        let (environmentID, caller) = try await caller(of: request)
        try caller.requireWrite()
        let given = try await request.collectBody(upTo: Self.maximumLockBytes).map { String(buffer: $0) }.flatMap(StateLockInfo.id(in:))
        // An owner's `terraform force-unlock` sends no lock information; anyone else names the lock.
        if given == nil, !caller.mayForceUnlock { throw StateRefusal.unlockMustNameLock }
        try await StateLocks.release(given, in: environmentID, on: request.db)
        return Response(status: .ok)
    }

    /// The environment and the caller `AuthorizationMiddleware` found.
    private func caller(of request: Request) async throws -> (UUID, StateCaller) {
        guard let access = request.stateAccess else { throw Abort(.unauthorized) }
        return (access.environmentID, access.caller)
    }
}
