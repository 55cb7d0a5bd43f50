import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// `/organizations/{organization}/environments/{environment}/runs` and `/runs/{run}`.
extension APIHandler {
    func listRuns(_ input: Operations.ListRuns.Input) async throws -> Operations.ListRuns.Output {
        let (organization, environment) = (input.path.organization, input.path.environment)
        let runs = try await Runs.list(in: organization, environment, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(try runs.map { try .init($0, organization: organization, environment: environment, events: nil) })))
    }

    func queueRun(_ input: Operations.QueueRun.Input) async throws -> Operations.QueueRun.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let versionID = try body.configurationVersion.map { text in
            guard let id = UUID(uuidString: text) else { throw RunRefusal.configurationVersionNotFound(text) }
            return id
        }
        let request = try Self.request
        let run = try await Runs.queuePlan(PlanRequest(in: input.path.organization, input.path.environment, configurationVersionID: versionID,
                                                       message: body.message, tokenCode: body.tokenCode), actor: try request.auth.require(User.self),
                                           mfa: request.application.mfaServices, on: request.db)
        let located = try await Runs.find(try run.requireID(), actorID: try Self.actorID, on: request.db)
        return .created(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        let located = try await Runs.find(try Self.runID(input.path.run), actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }

    func confirmRun(_ input: Operations.ConfirmRun.Input) async throws -> Operations.ConfirmRun.Output {
        let request = try Self.request
        var (tokenCode, seenPlan): (String?, String?) = (nil, nil)
        if case let .json(body) = input.body { (tokenCode, seenPlan) = (body.tokenCode, body.planSha256) }
        let located = try await Runs.confirm(try Self.runID(input.path.run), actor: try request.auth.require(User.self), tokenCode: tokenCode,
                                             seenPlan: seenPlan, mfa: request.application.mfaServices, on: request.db)
        return .ok(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }

    func authenticatePlan(_ input: Operations.AuthenticatePlan.Input) async throws -> Operations.AuthenticatePlan.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        return .ok(.init(body: .json(try await authenticate(input.path.run, phase: .plan, tokenCode: body.tokenCode))))
    }

    func authenticateApply(_ input: Operations.AuthenticateApply.Input) async throws -> Operations.AuthenticateApply.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        return .ok(.init(body: .json(try await authenticate(input.path.run, phase: .apply, tokenCode: body.tokenCode))))
    }

    private func authenticate(_ run: String, phase: RunPhase, tokenCode: String) async throws -> Components.Schemas.Run {
        let request = try Self.request
        let located = try await Runs.authenticate(try Self.runID(run), phase: phase, actor: try request.auth.require(User.self),
                                                  tokenCode: tokenCode, mfa: request.application.mfaServices, on: request.db)
        return try await Self.describe(located, withEvents: true)
    }

    func discardRun(_ input: Operations.DiscardRun.Input) async throws -> Operations.DiscardRun.Output {
        let request = try Self.request
        let located = try await Runs.discard(try Self.runID(input.path.run), actor: try request.auth.require(User.self), on: request.db)
        return .ok(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }

    func cancelRun(_ input: Operations.CancelRun.Input) async throws -> Operations.CancelRun.Output {
        let request = try Self.request
        let located = try await Runs.cancel(try Self.runID(input.path.run), actor: try request.auth.require(User.self), on: request.db)
        return .ok(.init(body: .json(try await Self.describe(located, withEvents: true))))
    }

    func getRunLog(_ input: Operations.GetRunLog.Input) async throws -> Operations.GetRunLog.Output {
        let runID = try Self.runID(input.path.run)
        let database = try Self.database
        _ = try await Runs.find(runID, actorID: try Self.actorID, on: database)
        let phase: RunPhase = input.path.phase == .plan ? .plan : .apply
        let stream = RunLogStream.chunks(of: runID, phase: phase, follow: input.query.follow ?? false, on: database)
        return .ok(.init(body: .plainText(HTTPBody(stream, length: .unknown, iterationBehavior: .single))))
    }

    static func runID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw RunRefusal.notFound }
        return id
    }

    static func describe(_ located: Runs.Located, withEvents: Bool) async throws -> Components.Schemas.Run {
        var run = try Components.Schemas.Run(located.run, organization: located.organization, environment: located.environment, events: nil)
        guard withEvents else { return run }
        let runID = try located.run.requireID()
        let database = try database
        run.events = try await Runs.events(of: runID, on: database).map(Components.Schemas.RunEvent.init)
        run.approvals = try await Runs.approvals(of: runID, on: database).map {
            .init(username: $0.username, at: Date(timeIntervalSince1970: $0.at), planSha256: $0.planSHA256)
        }
        run.planSummary = located.run.planSummary.map(Components.Schemas.PlanSummary.init)
        run.policyCheck = located.run.policyCheck.map(Components.Schemas.PolicyCheck.init)
        let environment = try await TerraformEnvironment.find(located.run.$environment.id, on: database)
        run.requiredApprovals = environment?.requiredApprovals(for: located.run)
        if let environment {
            run.awaiting = try await RunAwaiting.of(located.run, in: environment, viewer: try request.auth.require(User.self),
                                                    secrets: try secrets, on: database).map(Components.Schemas.RunAwaiting.init)
        }
        return run
    }
}

extension Components.Schemas.RunAwaiting {
    init(_ awaiting: RunAwaiting) {
        self.init(need: .init(rawValue: awaiting.need.rawValue) ?? .approval, headline: awaiting.headline, approvalsRequired: awaiting.approvalsRequired,
                  approvals: awaiting.approvals.map { .init(username: $0.username, device: $0.device, at: $0.at) },
                  applyNeedsCode: awaiting.applyNeedsCode, signInMinutes: awaiting.signInMinutes,
                  viewer: awaiting.viewer.map { viewer in
                      .init(may: viewer.may, device: viewer.device, deviceIsTheirs: viewer.device == nil ? nil : viewer.deviceIsTheirs,
                            reason: viewer.reason, line: awaiting.viewerLine ?? "")
                  })
    }
}

extension Components.Schemas.Run {
    init(_ run: Run, organization: String, environment: String, events: [RunEvent]?) throws {
        self.init(
            id: try run.requireID().uuidString.lowercased(), number: run.number, organization: organization, environment: environment,
            state: .init(run.state), message: run.message, createdBy: run.createdBy,
            configurationVersion: run.$configurationVersion.id.uuidString.lowercased(),
            queuedAt: Date(timeIntervalSince1970: run.queuedAt), hasChanges: run.hasChanges, errorMessage: run.errorMessage,
            cancelRequested: run.cancelRequested,
            mfa: .init(run.mfaLevel), planAuthenticatedBy: run.planAuthenticatedBy, applyAuthenticatedBy: run.applyAuthenticatedBy,
            waitingForPlanCode: run.waitsForPlanCode, waitingForApplyCode: run.waitsForApplyCode,
            planStartBy: run.planStartBy.map { Date(timeIntervalSince1970: $0) }, applyStartBy: run.applyStartBy.map { Date(timeIntervalSince1970: $0) },
            planCredentialsUntil: run.planCredentialsUntil.map { Date(timeIntervalSince1970: $0) },
            applyCredentialsUntil: run.applyCredentialsUntil.map { Date(timeIntervalSince1970: $0) }, planSha256: run.planSHA256,
            events: events?.map(Components.Schemas.RunEvent.init)
        )
    }
}

extension Components.Schemas.PlanSummary {
    init(_ summary: PlanSummary) {
        self.init(add: summary.add, change: summary.change, destroy: summary.destroy, _import: summary.imports, forget: summary.forget,
                  invoke: summary.invoke, resources: summary.resources.map { .init(address: $0.address, action: .init($0.action)) },
                  unlistedResources: summary.unlisted)
    }
}

extension Components.Schemas.PlanSummary.ResourcesPayloadPayload.ActionPayload {
    init(_ action: PlanSummary.Action) {
        switch action {
        case .create: self = .create
        case .update: self = .update
        case .replace: self = .replace
        case .delete: self = .delete
        case .read: self = .read
        case .import: self = ._import
        case .forget: self = .forget
        case .createThenForget: self = .createThenForget
        case .invoke: self = .invoke
        }
    }
}

extension Components.Schemas.RunEvent {
    init(_ event: RunEvent) {
        self.init(from: event.fromState.flatMap(Components.Schemas.RunState.init(rawValue:)),
                  to: Components.Schemas.RunState(rawValue: event.toState) ?? .errored,
                  at: Date(timeIntervalSince1970: event.at), actor: event.actor, note: event.note)
    }
}

extension Components.Schemas.RunState {
    init(_ state: RunState) {
        self = Self(rawValue: state.rawValue) ?? .errored
    }
}

extension Components.Schemas.MFALevel {
    init(_ level: MFALevel) {
        self = Self(rawValue: level.rawValue) ?? .never
    }
}
