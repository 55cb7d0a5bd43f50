import Fluent
import Foundation
import Vapor

/// The things the TFE API names by id (`ws-`, `run-`, `plan-`, `apply-`, `polchk-` (a run's policy check), `cv-`, `sv-`, `wsout-`), authorized by
/// the organization that holds them. What the caller may not see answers as a missing thing, in TFE's form.
enum TFEResourceAccess {
    /// `userID` may do `action` to the thing `id` names (with `prefix`); `operation` is the route's last path
    /// component (`lock`, `state-versions`, ...), which a member's refusal names.
    static func authorize(_ userID: UUID, _ action: Action, prefix: String, id: String, operation: String,
                          on database: any Database) async throws {
        let notFound = TFEError(status: .notFound, detail: "There is no such \(prefix == "wsout" ? "output" : prefix), or you cannot see it.")
        if ["run", "plan", "apply", "polchk"].contains(prefix) {
            guard let runID = TFEID.parse(id, prefix: prefix) else { throw notFound }
            do {
                _ = try await Authorizer.authorize(userID, action, run: runID, on: database)
            } catch let refusal as EnvironmentRefusal where refusal.kind == .forbidden {
                throw TFEError(status: .forbidden, detail: refusal.message)
            } catch is any Refusal {
                throw notFound
            }
            return
        }
        guard let environmentID = try await environmentID(prefix: prefix, id: id, on: database) else { throw notFound }
        do {
            _ = try await Authorizer.authorize(userID, action, environment: environmentID, on: database)
        } catch OrganizationRefusal.ownersOnly {
            let organization = try await TerraformEnvironment.query(on: database).filter(\.$id == environmentID).with(\.$organization).first()?
                .organization.name ?? ""
            let verb = ["lock": "locks", "unlock": "unlocks", "force-unlock": "force-unlocks", "state-versions": "pushes"][operation] ?? "changes"
            throw TFEError(status: .forbidden, detail: "Only an owner of \(organization) \(verb) an environment's state; members read it.")
        } catch let refusal as EnvironmentRefusal where refusal.kind == .forbidden {
            throw TFEError(status: .forbidden, detail: refusal.message)
        } catch is any Refusal {
            throw notFound
        }
    }

    /// The environment holding a workspace, configuration version, state version or state output.
    private static func environmentID(prefix: String, id: String, on database: any Database) async throws -> UUID? {
        switch prefix {
        case "ws":
            return TFEID.parse(id, prefix: "ws")
        case "cv":
            guard let uuid = TFEID.parse(id, prefix: "cv") else { return nil }
            return try await TFEConfigurationUpload.find(uuid, on: database)?.$environment.id
        case "sv":
            guard let uuid = TFEID.parse(id, prefix: "sv") else { return nil }
            return try await StateVersion.find(uuid, on: database)?.$environment.id
        case "wsout":
            guard let (versionID, _) = TFEStateOutputs.parse(id) else { return nil }
            return try await environmentID(prefix: "sv", id: versionID, on: database)
        default:
            return nil
        }
    }
}
