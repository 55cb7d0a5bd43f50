import Fluent
import Foundation
import Vapor

/// Airlock's runs as TFE runs, plans and applies (`run-`, `plan-` and `apply-` and the run's id).
enum TFERun {
    static func id(_ prefix: String, of runID: UUID) -> String { TFEID.make(prefix, runID) }

    /// The run of a TFE id, if the caller may see it; a refusal as for a missing one otherwise.
    static func find(_ id: String, prefix: String, actorID: UUID, on database: any Database) async throws -> Run {
        guard let runID = TFEID.parse(id, prefix: prefix) else { throw TFEError(status: .notFound, detail: "There is no such \(prefix), or you cannot see it.") }
        do {
            return try await Runs.find(runID, actorID: actorID, on: database).run
        } catch is RunRefusal {
            throw TFEError(status: .notFound, detail: "There is no such \(prefix), or you cannot see it.")
        }
    }

    static func resource(_ run: Run, configurationUpload: UUID?) throws -> TFEResource {
        let runID = try run.requireID()
        var relationships: [String: JSONValue] = [
            "plan": ["data": ["type": "plans", "id": .string(id("plan", of: runID))]],
            "apply": ["data": ["type": "applies", "id": .string(id("apply", of: runID))]],
            "workspace": ["data": ["type": "workspaces", "id": .string(TFEID.make("ws", run.$environment.id))]],
        ]
        if run.policyCheckJSON != nil {
            relationships["policy-checks"] = ["data": [["type": "policy-checks", "id": .string(TFEPolicyCheck.id(of: runID))]]]
        }
        if let configurationUpload {
            relationships["configuration-version"] = ["data": ["type": "configuration-versions", "id": .string(TFEID.make("cv", configurationUpload))]]
        }
        return TFEResource(type: "runs", id: id("run", of: runID), attributes: [
            "status": .string(status(of: run)),
            "message": .string(run.message),
            "has-changes": .bool(run.hasChanges ?? false),
            "is-destroy": .bool(run.isDestroy ?? false),
            "plan-only": .bool(run.isPlanOnly),
            "auto-apply": false,
            "source": "tfe-api",
            "created-at": .string(Date(timeIntervalSince1970: run.queuedAt).iso8601),
            "actions": [
                "is-cancelable": .bool(RunState.queued.contains(run.state) || RunState.executing.contains(run.state)),
                "is-confirmable": .bool(run.state == .planned),
                "is-discardable": .bool([.planned, .policyOverride].contains(run.state)),
                "is-force-cancelable": false,
            ],
            "permissions": ["can-apply": true, "can-cancel": true, "can-discard": true, "can-force-execute": false, "can-force-cancel": false],
        ], relationships: relationships)
    }

    /// TFE's status of a run: Airlock's state, except that
    /// - a run whose apply Terraform approved and which was then discarded (it waited for an MFA code) is
    ///   canceled, so that `terraform apply` fails rather than ending as if it had applied;
    /// - a run waiting for its plan's MFA code is plan_queued, past pending, so that Terraform streams the plan's
    ///   log, which says where to authenticate (for a pending run it only prints "Waiting for the plan to start");
    /// - a confirmed run waiting for a worker is confirmed, as on TFE before its apply is queued on an agent, so that
    ///   Terraform waits for it the way it waits for a plan, saying how many runs a worker takes first.
    static func status(of run: Run) -> String {
        if run.state == .discarded && run.autoApply == true { return "canceled" }
        if run.waitsForPlanCode { return "plan_queued" }
        if run.state == .applyQueued { return "confirmed" }
        return run.state.rawValue
    }

    /// The line that ends the log of a phase that never came: an apply Terraform approved, or a plan Terraform
    /// waited for (its log is empty), of a run discarded or canceled first.
    static func closingLine(of run: Run, phase: RunPhase, logIsEmpty: Bool) -> String? {
        guard [.discarded, .canceled].contains(run.state) else { return nil }
        switch phase {
        case .apply where run.autoApply == true:
            return "[airlock] The run was \(run.state.rawValue) before its apply: nothing was applied.\n"
        case .plan where logIsEmpty:
            return "[airlock] The run was \(run.state.rawValue) before its plan started: nothing was planned.\n"
        default:
            return nil
        }
    }

    /// A phase as a TFE plan or apply: its status and the URL its log is read from. `stillRunning`: an ended phase
    /// reads as running (to a reader part-way through its log, `TFELogFollowers`).
    static func phaseResource(_ run: Run, phase: RunPhase, logURL: String, stillRunning: Bool = false) throws -> TFEResource {
        let runID = try run.requireID()
        var attributes: [String: JSONValue] = [
            "status": .string(stillRunning ? "running" : phaseStatus(run.state, phase: phase)),
            "log-read-url": .string(logURL),
            "has-changes": .bool(run.hasChanges ?? false),
        ]
        // The plan's counts, as TFE gives them (go-tfe's ResourceAdditions, ResourceChanges, ResourceDestructions).
        if phase == .plan, let summary = run.planSummary {
            attributes["resource-additions"] = .int(summary.add)
            attributes["resource-changes"] = .int(summary.change)
            attributes["resource-destructions"] = .int(summary.destroy)
            attributes["resource-imports"] = .int(summary.imports)
        }
        return TFEResource(type: phase == .plan ? "plans" : "applies", id: id(phase == .plan ? "plan" : "apply", of: runID), attributes: attributes)
    }

    /// TFE's status of a plan or an apply (pending, running, finished, errored, canceled, unreachable).
    static func phaseStatus(_ state: RunState, phase: RunPhase) -> String {
        switch (phase, state) {
        case (.plan, .pending): "pending"
        case (.plan, .planning): "running"
        case (.plan, .errored), (.apply, .errored): "errored"
        case (.plan, .canceled), (.apply, .canceled): "canceled"
        case (.plan, _): "finished"
        case (.apply, .pending), (.apply, .planning), (.apply, .planned), (.apply, .policyOverride), (.apply, .applyQueued): "pending"
        case (.apply, .applying): "running"
        case (.apply, .applied): "finished"
        case (.apply, _): "unreachable"
        }
    }

    /// Whether a `terraform` streaming this phase's log is still waiting for it: a plan not yet over, or an apply
    /// Terraform approved that has not ended (queued, running, or waiting for its MFA code).
    static func terraformWaits(on run: Run, phase: RunPhase) -> Bool {
        switch phase {
        case .plan: [.pending, .planning].contains(run.state)
        case .apply: [.applyQueued, .applying].contains(run.state) || (run.state == .planned && run.autoApply == true)
        }
    }

    /// Whether the phase's log is complete (the reader gets its end marker).
    static func phaseIsOver(_ state: RunState, phase: RunPhase) -> Bool {
        !["pending", "running"].contains(phaseStatus(state, phase: phase))
    }
}
