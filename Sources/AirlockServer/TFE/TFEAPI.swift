import Fluent
import Vapor

/// The subset of Terraform Enterprise's API v2 (JSON:API) that Terraform's own CLI uses with a `cloud` block or
/// a `remote` backend: organizations are TFE organizations, environments are workspaces. Requests carry an
/// Airlock API token (`terraform login`, `TF_TOKEN_<host>`, `credentials.tfrc.json`).
struct TFEAPI: RouteCollection {
    static let basePath = "/api/v2/"
    /// The TFE API version these answers follow (go-tfe reads it from every answer).
    static let apiVersion = "2.6"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(ServiceDiscovery.path) { _ in ServiceDiscovery.document }
        // What Terraform fetches without its token: the URL is the capability (TFECapability).
        let capabilities = routes.grouped("api", "v2").grouped(TFEErrorMiddleware(), AuthorizationMiddleware())
        capabilities.on(.PUT, "uploads", ":token", body: .stream, use: upload)
        capabilities.get("plan-logs", ":token") { try await self.readLog($0, phase: .plan) }
        capabilities.get("apply-logs", ":token") { try await self.readLog($0, phase: .apply) }
        let api = routes.grouped("api", "v2").grouped(TFEErrorMiddleware(), BearerTokenAuthenticator(),
                                                      User.guardMiddleware(throwing: TFEError.unauthorized), AuthorizationMiddleware(),
                                                      RunWorkersWakeMiddleware())
        api.get("ping") { _ in HTTPStatus.noContent }
        api.get("account", "details", use: accountDetails)
        api.get("organizations", ":organization", "entitlement-set", use: entitlements)
        api.get("organizations", ":organization", "workspaces", ":workspace", use: workspace)
        api.get("organizations", ":organization", "runs", "queue", use: organizationRunQueue)
        api.get("organizations", ":organization", "capacity", use: organizationCapacity)
        api.post("organizations", ":organization", "workspaces", use: createWorkspace)
        api.get("workspaces", ":workspace", "current-state-version", use: currentStateVersion)
        api.get("state-versions", ":version", "download", use: downloadState)
        api.get("workspaces", ":workspace", "current-state-version-outputs", use: currentOutputs)
        api.get("state-version-outputs", ":output", use: readOutput)
        api.on(.POST, "workspaces", ":workspace", "state-versions", body: .stream, use: createStateVersion)
        api.post("workspaces", ":workspace", "actions", "lock", use: lockWorkspace)
        api.post("workspaces", ":workspace", "actions", "unlock", use: unlockWorkspace)
        api.post("workspaces", ":workspace", "actions", "force-unlock", use: forceUnlockWorkspace)
        api.post("workspaces", ":workspace", "configuration-versions", use: createConfigurationVersion)
        api.get("configuration-versions", ":version", use: readConfigurationVersion)
        api.post("runs", use: createRun)
        api.get("runs", ":run", use: readRun)
        api.post("runs", ":run", "actions", "cancel", use: cancelRun)
        api.post("runs", ":run", "actions", "apply", use: applyRun)
        api.post("runs", ":run", "actions", "discard", use: discardRun)
        api.get("runs", ":run", "run-events", use: runEvents)
        api.get("workspaces", ":workspace", "runs", use: workspaceRuns)
        api.get("plans", ":plan") { try await self.readPhase($0, phase: .plan) }
        api.get("applies", ":apply") { try await self.readPhase($0, phase: .apply) }
        api.get("runs", ":run", "policy-checks", use: listPolicyChecks)
        api.get("policy-checks", ":check", use: readPolicyCheck)
        api.get("policy-checks", ":check", "output", use: policyCheckOutput)
        api.post("policy-checks", ":check", "actions", "override", use: overridePolicyCheckFromTerraform)
        // Any other TFE endpoint: a JSON:API answer Terraform can show, not the JSON API's.
        for method in [HTTPMethod.GET, .POST, .PATCH, .PUT, .DELETE] {
            api.on(method, "**") { request -> Response in
                throw TFEError(status: .notFound, detail: "Airlock does not offer \(request.method.rawValue) \(request.url.path) of the TFE API.")
            }
        }
    }

    /// `terraform init` creates the workspace it names when it does not exist: an environment, owners only.
    func createWorkspace(_ request: Request) async throws -> Response {
        struct Body: Decodable {
            struct Data: Decodable {
                struct Attributes: Decodable { let name: String }
                let attributes: Attributes
            }
            let data: Data
        }
        let organization = try await TFEOrganization.find(request, for: .administer)
        let name = try TFEDocument.decode(Body.self, from: request).data.attributes.name
        let environment = try await Environments.create(name, in: organization.organizationName, actorID: try request.userID, on: request.db)
        return try TFEDocument.response(try TFEWorkspace.resource(environment, organization: organization.organizationName, access: .administer,
                                                                                currentRun: nil), status: .created)
    }

    /// Who the token belongs to (`terraform login` greets them).
    func accountDetails(_ request: Request) async throws -> Response {
        let user = try request.auth.require(User.self)
        return try TFEDocument.response(.init(type: "users", id: TFEID.make("user", try user.requireID()),
                                              attributes: ["username": .string(user.username), "email": ""]))
    }

    func entitlements(_ request: Request) async throws -> Response {
        let organization = try await TFEOrganization.find(request)
        return try TFEDocument.response(.init(type: "entitlement-sets", id: "org-\(organization.organizationName)", attributes: [
            "operations": true, "private-module-registry": false, "sentinel": false, "state-storage": true, "teams": false, "vcs-integrations": false,
        ]))
    }

    func workspace(_ request: Request) async throws -> Response {
        let organization = try await TFEOrganization.find(request)
        let (grant, environment) = try await Authorizer.authorize(try request.userID, .read, environment: try request.parameters.require("workspace"),
                                                                  organization: organization.organizationName, on: request.db)
        return try TFEDocument.response(try TFEWorkspace.resource(environment, organization: organization.organizationName,
                                                                  access: grant.environmentAccess ?? .read,
                                                                  currentRun: try await TFEWorkspace.currentRun(of: environment, on: request.db)))
    }
}
