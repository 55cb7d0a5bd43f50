import Crypto
import Fluent
import Foundation
import Vapor

/// State versions and the workspace lock: what `terraform state pull|list|push`, `show`, `output` and
/// `force-unlock` do through a `cloud` block. Reading is for members; locking and pushing for owners, as
/// through the state backend.
extension TFEAPI {
    /// The lock ID of a workspace lock `userID` took through this API (one per person: their unlock names it).
    static func workspaceLockID(of userID: UUID) -> String { "tfe-workspace-lock-\(userID.uuidString.lowercased())" }

    /// Largest request of an inline state version: the largest state, base64-encoded, with its JSON around it.
    static let maximumStateVersionBytes = StateBackendRoutes.maximumStateBytes / 3 * 4 + (1 << 20)

    func currentOutputs(_ request: Request) async throws -> Response {
        let environment = try await TFEWorkspace.environment(try request.parameters.require("workspace"), actorID: try request.userID, on: request.db)
        let environmentID = try environment.requireID()
        guard let latest = try await StateVersions.latest(of: environmentID, on: request.db),
              let state = try await StateVersions.current(of: environmentID, secrets: request.application.secretBox, on: request.db) else {
            throw TFEError(status: .notFound, detail: "The workspace has no state yet.")
        }
        return try TFEStateOutputs.response(state: state, versionID: try TFEStateVersion.id(of: latest))
    }

    /// One output with its value (what `terraform output` reads for a sensitive one), for whoever may read the
    /// state version it belongs to.
    func readOutput(_ request: Request) async throws -> Response {
        let notFound = TFEError(status: .notFound, detail: "There is no such output, or you cannot see it.")
        guard let (versionID, name) = TFEStateOutputs.parse(try request.parameters.require("output")) else { throw notFound }
        let version = try await TFEStateVersion.find(versionID, actorID: try request.userID, on: request.db)
        let state = try request.application.secretBox.unseal(version.stateSealed,
                                                             boundTo: StateVersion.context(environmentID: version.$environment.id, serial: version.serial))
        guard let response = try TFEStateOutputs.one(name, state: state, versionID: versionID) else { throw notFound }
        return response
    }

    /// What `terraform state pull|list`, `show` and `output` read: the environment's newest state.
    func currentStateVersion(_ request: Request) async throws -> Response {
        let environment = try await TFEWorkspace.environment(try request.parameters.require("workspace"), actorID: try request.userID, on: request.db)
        guard let latest = try await StateVersions.latest(of: try environment.requireID(), on: request.db) else {
            throw TFEError(status: .notFound, detail: "The workspace has no state yet.")
        }
        return try TFEDocument.response(try TFEStateVersion.resource(latest))
    }

    func downloadState(_ request: Request) async throws -> Response {
        let version = try await TFEStateVersion.find(try request.parameters.require("version"), actorID: try request.userID, on: request.db)
        let state = try request.application.secretBox.unseal(version.stateSealed,
                                                             boundTo: StateVersion.context(environmentID: version.$environment.id, serial: version.serial))
        let response = Response(status: .ok, body: .init(data: state))
        response.headers.contentType = .json
        return response
    }

    /// Locks the workspace's state for its owner (`terraform state push` does, around the push): runs cannot
    /// write the state meanwhile. 409 when someone or a run holds it.
    func lockWorkspace(_ request: Request) async throws -> Response {
        let (environment, user) = try await ownedWorkspace(request)
        let info = StateLockInfo.json(id: Self.workspaceLockID(of: try user.requireID()), who: user.username,
                                      reason: "Locked through the TFE API by \(user.username)", at: request.application.clock.now)
        if try await StateLocks.take(info, in: try environment.requireID(), for: nil, on: request.db) != nil {
            throw TFEError(status: .conflict, detail: "The workspace is already locked (by a run or a person); try again when it is free.")
        }
        return try await workspaceDocument(environment, request: request)
    }

    /// Releases the lock the caller took through this API.
    func unlockWorkspace(_ request: Request) async throws -> Response {
        let (environment, user) = try await ownedWorkspace(request)
        do {
            try await StateLocks.release(Self.workspaceLockID(of: try user.requireID()), in: try environment.requireID(), on: request.db)
        } catch let refused as StateRefusal {
            throw TFEError(status: .conflict, detail: "\(refused.message) Another person or a run holds it; an owner can `terraform force-unlock` it.")
        }
        return try await workspaceDocument(environment, request: request)
    }

    /// `terraform force-unlock`: releases whichever lock is held, for an owner.
    func forceUnlockWorkspace(_ request: Request) async throws -> Response {
        let (environment, _) = try await ownedWorkspace(request)
        try await StateLocks.release(nil, in: try environment.requireID(), on: request.db)
        return try await workspaceDocument(environment, request: request)
    }

    /// `terraform state push`: a new state version, the state inline (base64), from the owner who locked the
    /// workspace. Without the state (Terraform first asks for upload URLs, which Airlock does not hand out) the
    /// answer is TFE's own refusal, on which Terraform sends the state inline.
    func createStateVersion(_ request: Request) async throws -> Response {
        struct Body: Decodable {
            struct Data: Decodable {
                struct Attributes: Decodable {
                    let serial: Int
                    let lineage: String
                    let md5: String
                    let state: String?
                }
                let attributes: Attributes
            }
            let data: Data
        }
        let (environment, user) = try await ownedWorkspace(request)
        let environmentID = try environment.requireID()
        guard let raw = try await request.collectBody(upTo: Self.maximumStateVersionBytes) else {
            throw TFEError(status: .unprocessableEntity, detail: "The request has no state version document.")
        }
        let attributes = try JSONDecoder().decode(Body.self, from: Data(raw.readableBytesView)).data.attributes
        guard let encoded = attributes.state, !encoded.isEmpty else {
            // go-tfe recognises this sentence and retries with the state inline.
            throw TFEError(status: .unprocessableEntity, detail: "param is missing or the value is empty: state")
        }
        guard let state = Data(base64Encoded: encoded) else {
            throw TFEError(status: .unprocessableEntity, detail: "The state is not base64.")
        }
        let md5 = Insecure.MD5.hash(data: state).map { String(format: "%02x", $0) }.joined()
        guard md5 == attributes.md5.lowercased() else {
            throw TFEError(status: .unprocessableEntity, detail: "The state does not match its MD5 checksum; nothing was stored.")
        }
        guard let header = try? JSONDecoder().decode(StateVersions.Header.self, from: state),
              header.serial == attributes.serial, header.lineage == attributes.lineage else {
            throw TFEError(status: .unprocessableEntity, detail: "The state's serial and lineage are not those the request names.")
        }
        let writer = StateWriter(runID: nil, lockID: Self.workspaceLockID(of: try user.requireID()), mustHoldLock: true)
        let version: StateVersion
        do {
            version = try await StateVersions.store(state, for: environmentID, by: writer, secrets: request.application.secretBox, on: request.db)
        } catch StateRefusal.notLocked {
            throw TFEError(status: .conflict, detail: "Lock the workspace before pushing state (terraform state push does): it is not locked.")
        } catch StateRefusal.lockedByAnother {
            throw TFEError(status: .conflict, detail: "Lock the workspace before pushing state (terraform state push does): it is "
                + "locked by a run or another person.")
        } catch let StateRefusal.stateRejected(reason) {
            throw TFEError(status: .conflict, detail: "\(reason) Airlock keeps every state version; to restore an older one, "
                + "push it with a serial above the current one.")
        }
        return try TFEDocument.response(try TFEStateVersion.resource(version), status: .created)
    }

    /// The URL's workspace and the caller, if they own its organization: members read the state but neither
    /// lock nor write it.
    private func ownedWorkspace(_ request: Request) async throws -> (TerraformEnvironment, User) {
        let user = try request.auth.require(User.self)
        // `AuthorizationMiddleware` refused a member already, in words naming the operation; this is the domain's own check.
        let id = TFEID.parse(try request.parameters.require("workspace"), prefix: "ws")
        return (try await TFEWorkspace.environment(id, actorID: try user.requireID(), for: .administer, on: request.db), user)
    }

    private func workspaceDocument(_ environment: TerraformEnvironment, request: Request) async throws -> Response {
        guard let current = try await TerraformEnvironment.find(try environment.requireID(), on: request.db) else {
            throw TFEError(status: .notFound, detail: "There is no such workspace, or you cannot see it.")
        }
        return try TFEDocument.response(try TFEWorkspace.resource(current, organization: environment.organization.name, access: .administer,
                                                                  currentRun: try await TFEWorkspace.currentRun(of: current, on: request.db)))
    }
}
