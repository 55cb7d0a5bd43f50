import Fluent
import Foundation
import Vapor

/// A run's policy check as TFE's policy check (`polchk-` and the run's id): one per run, of organization scope,
/// covering every policy set that checked its plan. Terraform prints its output under "Organization Policy Check"
/// and, for a soft failure, offers an override where the caller is an owner.
enum TFEPolicyCheck {
    static func id(of runID: UUID) -> String { TFEID.make("polchk", runID) }

    static func resource(_ check: PolicyCheck, runID: UUID, canOverride: Bool) -> TFEResource {
        let status = check.status
        var timestamps: [String: JSONValue] = ["queued-at": .string(Date(timeIntervalSince1970: check.checkedAt).iso8601)]
        let at = JSONValue.string(Date(timeIntervalSince1970: check.checkedAt).iso8601)
        switch status {
        case .passed, .overridden: timestamps["passed-at"] = at
        case .softFailed: timestamps["soft-failed-at"] = at
        case .hardFailed: timestamps["hard-failed-at"] = at
        case .errored: timestamps["errored-at"] = at
        }
        let failed = check.failedCount(.advisory) + check.failedCount(.softMandatory) + check.failedCount(.hardMandatory)
        return TFEResource(type: "policy-checks", id: id(of: runID), attributes: [
            "status": .string(status.rawValue),
            "scope": "organization",
            "result": [
                "result": .bool(status == .passed || status == .overridden),
                "passed": .int(check.passedCount),
                "total-failed": .int(failed),
                "hard-failed": .int(check.failedCount(.hardMandatory)),
                "soft-failed": .int(check.failedCount(.softMandatory)),
                "advisory-failed": .int(check.failedCount(.advisory)),
                "duration": 0,
            ],
            "actions": ["is-overridable": .bool(status == .softFailed)],
            "permissions": ["can-override": .bool(canOverride && status == .softFailed)],
            "status-timestamps": .object(timestamps),
        ], relationships: ["run": ["data": ["type": "runs", "id": .string(TFERun.id("run", of: runID))]]])
    }
}

/// `GET /runs/:run/policy-checks`, `GET /policy-checks/:id` and its output, and the override Terraform offers.
extension TFEAPI {
    func listPolicyChecks(_ request: Request) async throws -> Response {
        let run = try await TFERun.find(try request.parameters.require("run"), prefix: "run", actorID: try request.userID, on: request.db)
        guard let check = run.policyCheck else { return try TFEDocument.response([]) }
        return try TFEDocument.response([TFEPolicyCheck.resource(check, runID: try run.requireID(), canOverride: try await mayOverride(run, request))])
    }

    func readPolicyCheck(_ request: Request) async throws -> Response {
        let (run, check) = try await policyCheck(request)
        return try TFEDocument.response(TFEPolicyCheck.resource(check, runID: try run.requireID(), canOverride: try await mayOverride(run, request)))
    }

    /// The check as text, as Terraform prints it.
    func policyCheckOutput(_ request: Request) async throws -> Response {
        let (run, check) = try await policyCheck(request)
        let response = Response(status: .ok, body: .init(string: check.text(runURL: try await runPage(run, request))))
        response.headers.contentType = .plainText
        return response
    }

    /// Terraform's override carries no MFA code and no reason, which Airlock's override needs: it is refused with
    /// where to give them. Terraform, which keeps polling the run while it offers the override, goes on by itself
    /// once an owner overrides on the run's page or with `airlock run override`.
    func overridePolicyCheckFromTerraform(_ request: Request) async throws -> Response {
        let (run, check) = try await policyCheck(request)
        guard check.status == .softFailed else {
            throw TFEError(status: .conflict, detail: PolicyRefusal.nothingToOverride(run.state).message)
        }
        throw TFEError(status: .unprocessableEntity, detail: PolicyRefusal.overrideNeedsCode(runURL: try await runPage(run, request)).message)
    }

    private func policyCheck(_ request: Request) async throws -> (Run, PolicyCheck) {
        let run = try await TFERun.find(try request.parameters.require("check"), prefix: "polchk", actorID: try request.userID, on: request.db)
        guard let check = run.policyCheck else { throw TFEError(status: .notFound, detail: "There is no such polchk, or you cannot see it.") }
        return (run, check)
    }

    /// Owners override soft-mandatory failures.
    private func mayOverride(_ run: Run, _ request: Request) async throws -> Bool {
        let located = try await Runs.find(try run.requireID(), actorID: try request.userID, on: request.db)
        return (try? await Authorizer.authorize(try request.userID, .administer, organization: located.organization, on: request.db)) != nil
    }

    private func runPage(_ run: Run, _ request: Request) async throws -> String {
        let located = try await Runs.find(try run.requireID(), actorID: try request.userID, on: request.db)
        return request.application.publicAddress + RunPages.path(located.organization, located.environment, run: try run.requireID())
    }
}
