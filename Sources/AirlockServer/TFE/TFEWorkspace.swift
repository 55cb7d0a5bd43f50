import Fluent
import Vapor
import Foundation

/// An environment as a TFE workspace: remote execution (plans and applies run on Airlock, behind its MFA gate).
enum TFEWorkspace {
    /// The workspace id TFE clients use in later paths: `ws-` and the environment's id.
    static func id(of environment: TerraformEnvironment) throws -> String {
        TFEID.make("ws", try environment.requireID())
    }

    /// - Parameters:
    ///   - access: what the caller may do in the environment (`Authorizer`): who may queue, approve, lock and push.
    ///   - currentRun: the run that holds the environment now (`currentRun(of:on:)`).
    static func resource(_ environment: TerraformEnvironment, organization: String, access: EnvironmentAccess, currentRun: UUID?) throws -> TFEResource {
        let administers = access == .administer
        return TFEResource(type: "workspaces", id: try id(of: environment), attributes: [
            "name": .string(environment.name),
            "execution-mode": "remote",
            "operations": true,
            "auto-apply": false,
            "locked": .bool(environment.stateLock != nil),
            "terraform-version": "latest",
            "working-directory": "",
            "allow-destroy-plan": true,
            "structured-run-output-enabled": false,
            "actions": ["is-destroyable": true],
            "permissions": ["can-queue-run": .bool(access >= .plan), "can-queue-apply": .bool(access >= .approve), "can-read-state-versions": true,
                            "can-create-state-versions": .bool(administers), "can-update": .bool(administers),
                            "can-lock": .bool(administers), "can-unlock": .bool(administers), "can-force-unlock": .bool(administers)],
        ], relationships: [
            "organization": ["data": ["type": "organizations", "id": .string(organization)]],
            "current-run": ["data": currentRun.map { ["type": "runs", "id": .string(TFERun.id("run", of: $0))] } ?? .null],
        ])
    }

    /// The workspace's `current-run`: the environment's oldest unfinished run, which holds it (the runs after it wait
    /// for it), or else its newest run; nil before its first. Terraform counts the runs between its own and this one
    /// as those it waits for ("Waiting for N run(s) to finish before being queued...").
    static func currentRun(of environment: TerraformEnvironment, on database: any Database) async throws -> UUID? {
        let runs = Run.query(on: database).filter(\.$environment.$id == (try environment.requireID())).field(\.$id)
        if let holding = try await runs.copy().filter(\.$state ~~ RunState.active).sort(\.$number, .ascending).first() {
            return holding.id
        }
        return try await runs.sort(\.$number, .descending).first()?.id
    }
}

extension TFEWorkspace {
    /// The environment of a TFE workspace id, if the caller may see it; a refusal as for a missing one otherwise.
    static func environment(_ id: String, actorID: UUID, on database: any Database) async throws -> TerraformEnvironment {
        try await environment(TFEID.parse(id, prefix: "ws"), actorID: actorID, on: database)
    }

    /// The environment `id` (with its organization), if the caller may do `action` in its organization.
    static func environment(_ id: UUID?, actorID: UUID, for action: Action = .read, on database: any Database) async throws -> TerraformEnvironment {
        guard let id else { throw TFEError(status: .notFound, detail: "There is no such workspace, or you cannot see it.") }
        do {
            return try await Authorizer.authorize(actorID, action, environment: id, on: database).1
        } catch OrganizationRefusal.ownersOnly {
            throw OrganizationRefusal.ownersOnly
        } catch let refusal as EnvironmentRefusal where refusal.kind == .forbidden {
            throw refusal
        } catch is any Refusal {
            throw TFEError(status: .notFound, detail: "There is no such workspace, or you cannot see it.")
        }
    }
}
