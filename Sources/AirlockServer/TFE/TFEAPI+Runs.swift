import Fluent
import Foundation
import Vapor

/// Configuration versions, runs, plans, applies and their logs: what `terraform plan` through a `cloud`
/// block does.
extension TFEAPI {
    func createConfigurationVersion(_ request: Request) async throws -> Response {
        struct Body: Decodable {
            struct Data: Decodable {
                struct Attributes: Decodable { let speculative: Bool? }
                let attributes: Attributes?
            }
            let data: Data?
        }
        let environment = try await TFEWorkspace.environment(TFEID.parse(try request.parameters.require("workspace"), prefix: "ws"),
                                                             actorID: try request.userID, for: .plan, on: request.db)
        let speculative = (try? TFEDocument.decode(Body.self, from: request))?.data?.attributes?.speculative ?? false
        let upload = TFEConfigurationUpload(environmentID: try environment.requireID(), userID: try request.userID, speculative: speculative,
                                            at: request.application.clock.now)
        try await upload.save(on: request.db)
        return try TFEDocument.response(try Self.configurationResource(upload, request: request), status: .created)
    }

    func readConfigurationVersion(_ request: Request) async throws -> Response {
        let upload = try await Self.configurationUpload(try request.parameters.require("version"), actorID: try request.userID, on: request.db)
        return try TFEDocument.response(try Self.configurationResource(upload, request: request))
    }

    /// The PUT to an upload URL (no token: the URL is the capability) stores the archive as the environment's
    /// configuration version, checked like any upload. Nothing of the body is read before the URL is checked.
    func upload(_ request: Request) async throws -> HTTPStatus {
        guard let id = TFECapability.verify(try request.parameters.require("token"), .upload, now: request.application.clock.now,
                                            secrets: request.application.secretBox),
              let upload = try await TFEConfigurationUpload.query(on: request.db).filter(\.$id == id)
                .with(\.$user).with(\.$environment, { $0.with(\.$organization) }).first() else {
            throw TFEError(status: .notFound, detail: "This upload URL is not valid.")
        }
        guard upload.$configurationVersion.id == nil else { throw TFEError(status: .conflict, detail: "This configuration version is uploaded already.") }
        // The body is read only now that the URL is known good (the route streams it).
        let version = try await ConfigurationVersions.upload(to: upload.environment.organization.name, upload.environment.name, actor: upload.user,
                                                             threadPool: request.application.threadPool, uploads: request.application.uploadPermits,
                                                             limits: request.application.requestLimits, on: request.db) {
            try await request.collectBody(upTo: ConfigurationArchive.maximumCompressedBytes) ?? ByteBuffer()
        }
        upload.$configurationVersion.id = try version.requireID()
        try await upload.save(on: request.db)
        return .ok
    }

    func createRun(_ request: Request) async throws -> Response {
        struct Body: Decodable {
            struct Reference: Decodable {
                struct Data: Decodable { let id: String }
                let data: Data
            }
            struct Data: Decodable {
                struct Attributes: Decodable {
                    let message: String?
                    let isDestroy: Bool?
                    let planOnly: Bool?
                    let autoApply: Bool?
                    enum CodingKeys: String, CodingKey {
                        case message
                        case isDestroy = "is-destroy"
                        case planOnly = "plan-only"
                        case autoApply = "auto-apply"
                    }
                }
                struct Relationships: Decodable {
                    let workspace: Reference
                    let configurationVersion: Reference?
                    enum CodingKeys: String, CodingKey {
                        case workspace
                        case configurationVersion = "configuration-version"
                    }
                }
                let attributes: Attributes?
                let relationships: Relationships
            }
            let data: Data
        }
        let body = try TFEDocument.decode(Body.self, from: request)
        let user = try request.auth.require(User.self)
        let environment = try await TFEWorkspace.environment(TFEID.parse(body.data.relationships.workspace.data.id, prefix: "ws"),
                                                             actorID: try user.requireID(), for: .plan, on: request.db)
        guard let reference = body.data.relationships.configurationVersion?.data.id else {
            throw TFEError(status: .unprocessableEntity, detail: "A run needs its configuration version (Airlock does not take runs without one).")
        }
        let upload = try await Self.configurationUpload(reference, actorID: try user.requireID(), on: request.db)
        guard let versionID = upload.$configurationVersion.id, upload.$environment.id == (try environment.requireID()) else {
            throw TFEError(status: .unprocessableEntity, detail: "The configuration version was not uploaded to this workspace.")
        }
        let planOnly = upload.speculative || body.data.attributes?.planOnly == true
        var plan = PlanRequest(in: environment.organization.name, environment.name, configurationVersionID: versionID,
                               message: body.data.attributes?.message)
        plan.waitForPlanCode = true
        plan.planOnly = planOnly
        plan.autoApply = body.data.attributes?.autoApply == true
        plan.destroy = body.data.attributes?.isDestroy == true
        let run = try await Runs.queuePlan(plan, actor: user, mfa: request.application.mfaServices, on: request.db)
        if run.waitsForPlanCode {
            try await RunWaitNote.write(.planCode, for: .init(run: run, organization: environment.organization.name, environment: environment.name),
                                        pagesAddress: request.application.publicAddress, logLimitBytes: RunEngineSettings.defaultLogLimitBytes, on: request.db)
        }
        return try TFEDocument.response(try TFERun.resource(run, configurationUpload: try upload.requireID()), status: .created)
    }

    func readRun(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        let upload = try await TFEConfigurationUpload.query(on: request.db).filter(\.$configurationVersion.$id == run.$configurationVersion.id)
            .sort(\.$createdAt, .descending).first()
        return try TFEDocument.response(try TFERun.resource(run, configurationUpload: try upload?.requireID()))
    }

    func readPhase(_ request: Request, phase: RunPhase) async throws -> Response {
        let prefix = phase == .plan ? "plan" : "apply"
        let run = try await TFERun.find(try request.parameters.require(prefix), prefix: prefix, actorID: try request.userID, on: request.db)
        let token = TFECapability.token(phase == .plan ? .planLog : .applyLog, id: try run.requireID(), holder: try request.userID,
                                        now: request.application.clock.now,
                                        secrets: request.application.secretBox)
        let url = "\(request.application.publicAddress)\(Self.basePath)\(prefix)-logs/\(token)"
        // A reader part-way through the log is told the phase still runs, so that it reads the rest (`TFELogFollowers`).
        let partWay = TFERun.phaseIsOver(run.state, phase: phase)
            ? await TFELogFollowers.shared.isPartWay(try run.requireID(), phase, holder: try request.userID) : false
        return try TFEDocument.response(try TFERun.phaseResource(run, phase: phase, logURL: url, stillRunning: partWay))
    }

    /// A phase's log as Terraform reads it: STX, the log so far, and ETX once the phase is over; `offset` and
    /// `limit` select bytes of that.
    func readLog(_ request: Request, phase: RunPhase) async throws -> Response {
        // The URL works while the person it was made for may still read the run (not after they leave).
        let purpose: TFECapability.Purpose = phase == .plan ? .planLog : .applyLog
        guard let (runID, holder, expires) = TFECapability.verifyHeld(try request.parameters.require("token"), purpose,
                                                                      secrets: request.application.secretBox) else {
            throw TFEError(status: .notFound, detail: "This log URL is not valid.")
        }
        let run = try await TFERun.find(TFEID.make("run", runID), prefix: "run", actorID: holder, on: request.db)
        let now = request.application.clock.now
        if expires < now {
            // Past its day, a URL works only while Terraform still waits on this phase, or a day after the run last
            // changed, and never more than a week past its expiry.
            var stillUseful = TFERun.terraformWaits(on: run, phase: phase)
            if !stillUseful, let last = try await Runs.events(of: runID, on: request.db).last {
                stillUseful = now.timeIntervalSince1970 - last.at <= purpose.lifetime
            }
            guard stillUseful, now.timeIntervalSince(expires) <= TFECapability.Purpose.longestWait else {
                throw TFEError(status: .notFound, detail: "This log URL has expired; the run's page shows the log.")
            }
        }
        var bytes: [UInt8] = [0x02]
        if phase == .apply {
            // Terraform's CLI drops the first three lines of an apply's log (TFE repeats the version there):
            // three lines of the run's own, so that none of the apply's is lost.
            bytes += Array("[airlock] The apply of run #\(run.number)\n[airlock] Queued by \(run.createdBy)\n[airlock] \(run.message)\n".utf8)
        }
        let log = try await RunLogChunk.text(of: runID, phase, on: request.db)
        bytes += Array(log.utf8)
        if let closing = TFERun.closingLine(of: run, phase: phase, logIsEmpty: log.isEmpty) { bytes += Array(closing.utf8) }
        if TFERun.phaseIsOver(run.state, phase: phase) { bytes.append(0x03) }
        // Both numbers are the client's: clamped before any arithmetic, so none can overflow.
        let offset = min(max(0, (try? request.query.get(Int.self, at: "offset")) ?? 0), bytes.count)
        let available = bytes.count - offset
        let limit = min(max(0, (try? request.query.get(Int.self, at: "limit")) ?? available), available)
        let slice = bytes[offset..<(offset + limit)]
        let reachedEnd = TFERun.phaseIsOver(run.state, phase: phase) && offset + limit == bytes.count
        await TFELogFollowers.shared.served(runID, phase, to: holder, reachedEnd: reachedEnd)
        let response = Response(status: .ok, body: .init(data: Data(slice)))
        response.headers.contentType = .plainText
        return response
    }

    /// The environment's runs, newest first, a page at a time (Terraform counts those ahead of its own while it waits).
    func workspaceRuns(_ request: Request) async throws -> Response {
        let environment = try await TFEWorkspace.environment(try request.parameters.require("workspace"), actorID: try request.userID, on: request.db)
        let page = TFEPage(request)
        let total = try await Run.query(on: request.db).filter(\.$environment.$id == (try environment.requireID())).count()
        let runs = page.offset >= total ? [] : try await Runs.list(of: environment, offset: page.offset, limit: page.size, on: request.db)
        return try TFEDocument.page(try runs.map { try TFERun.resource($0, configurationUpload: nil) }, page, totalCount: total)
    }

    /// The run's history (Airlock's transitions) as TFE run events.
    func runEvents(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        let events = try await Runs.events(of: try run.requireID(), on: request.db)
        return try TFEDocument.response(try events.map { event in
            TFEResource(type: "run-events", id: TFEID.make("re", try event.requireID()), attributes: [
                "action": .string(event.toState),
                "description": .string(event.note ?? ""),
                "created-at": .string(Date(timeIntervalSince1970: event.at).iso8601),
            ])
        })
    }

    /// Terraform's "yes": Confirm & Apply. Where the apply needs an MFA code, the run stays planned and its
    /// apply log (which Terraform streams) says where to give the code; the apply starts once someone does.
    func applyRun(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        _ = try await RunAutoApply.approveInTerraform(try run.requireID(), by: try request.auth.require(User.self), mfa: request.application.mfaServices,
                                                      pagesAddress: request.application.publicAddress,
                                                      logLimitBytes: RunEngineSettings.defaultLogLimitBytes, on: request.db)
        return Response(status: .accepted)
    }

    func discardRun(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        _ = try await Runs.discard(try run.requireID(), actor: try request.auth.require(User.self), on: request.db)
        return Response(status: .accepted)
    }

    func cancelRun(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        _ = try await Runs.cancel(try run.requireID(), actor: try request.auth.require(User.self), on: request.db)
        return Response(status: .accepted)
    }

    /// The upload URL (a capability: its holder uploads as the person who made the version) only to that person.
    static func configurationResource(_ upload: TFEConfigurationUpload, request: Request) throws -> TFEResource {
        let id = try upload.requireID()
        let uploads = upload.$configurationVersion.id == nil && (try? request.userID) == upload.$user.id
        return TFEResource(type: "configuration-versions", id: TFEID.make("cv", id), attributes: [
            "status": .string(upload.$configurationVersion.id == nil ? "pending" : "uploaded"),
            "speculative": .bool(upload.speculative),
            "auto-queue-runs": false,
            "source": "tfe-api",
            "upload-url": uploads
                ? .string("\(request.application.publicAddress)\(basePath)uploads/\(TFECapability.token(.upload, id: id, now: request.application.clock.now, secrets: request.application.secretBox))")
                : .null,
        ])
    }

    /// A TFE configuration version the caller may see.
    static func configurationUpload(_ id: String, actorID: UUID, on database: any Database) async throws -> TFEConfigurationUpload {
        let notFound = TFEError(status: .notFound, detail: "There is no such configuration version, or you cannot see it.")
        guard let uuid = TFEID.parse(id, prefix: "cv"), let upload = try await TFEConfigurationUpload.find(uuid, on: database) else { throw notFound }
        do {
            _ = try await TFEWorkspace.environment(upload.$environment.id, actorID: actorID, on: database)
        } catch is TFEError {
            throw notFound  // another organization's reads as a missing one
        }
        return upload
    }
}
