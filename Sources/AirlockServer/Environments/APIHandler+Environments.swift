import Fluent
import Foundation
import Vapor
import OpenAPIRuntime

/// `/organizations/{organization}/environments`.
extension APIHandler {
    func listEnvironments(_ input: Operations.ListEnvironments.Input) async throws -> Operations.ListEnvironments.Output {
        let organization = input.path.organization
        let listing = try EnvironmentListing(size: input.query.pageSize, after: input.query.after, search: input.query.search)
        let page = try await Environments.list(in: organization, listing, actorID: try Self.actorID, on: try Self.database)
        let serials = try await Runs.serials(of: page.environments, for: try Self.actorID, secrets: try Self.secrets, on: try Self.database)
        if let next = page.next { try NextPageLink.set(Self.path(of: next, in: organization)) }
        return .ok(.init(body: .json(zip(page.environments, serials).map { .init($0, organization: organization, serial: $1) })))
    }

    /// The list's path for `listing`, e.g. `/organizations/acme/environments?pageSize=100&after=env-099`.
    static func path(of listing: EnvironmentListing, in organization: String) -> String {
        var components = URLComponents()
        components.path = "/organizations/\(organization)/environments"
        components.queryItems = listing.queryItems(withSize: true)
        return components.string ?? components.path
    }

    func createEnvironment(_ input: Operations.CreateEnvironment.Input) async throws -> Operations.CreateEnvironment.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let organization = input.path.organization
        let environment = try await Environments.create(body.name, in: organization, actorID: try Self.actorID, on: try Self.database)
        return .created(.init(body: .json(.init(environment, organization: organization, serial: try await Self.serialNumber(of: environment)))))
    }

    func getEnvironment(_ input: Operations.GetEnvironment.Input) async throws -> Operations.GetEnvironment.Output {
        let organization = input.path.organization
        let environment = try await Environments.find(input.path.environment, in: organization, actorID: try Self.actorID,
                                                      on: try Self.database)
        return .ok(.init(body: .json(.init(environment, organization: organization, serial: try await Self.serialNumber(of: environment)))))
    }

    func deleteEnvironment(_ input: Operations.DeleteEnvironment.Input) async throws -> Operations.DeleteEnvironment.Output {
        try await Environments.delete(input.path.environment, in: input.path.organization, actorID: try Self.actorID,
                                      on: try Self.database)
        return .noContent(.init())
    }

    func updateEnvironmentSettings(_ input: Operations.UpdateEnvironmentSettings.Input) async throws -> Operations.UpdateEnvironmentSettings.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let change = EnvironmentSettings.Change(mfaLevel: body.mfa.flatMap { MFALevel(rawValue: $0.rawValue) },
                                                planRoleARN: body.planRoleArn, applyRoleARN: body.applyRoleArn,
                                                requirePersonalMFADevice: body.requirePersonalMfaDevice,
                                                approverMustDiffer: body.approverMustDifferFromQueuer, requiredApprovals: body.requiredApprovals,
                                                awsSessionHours: body.awsSessionHours, approvalSignInMinutes: body.approvalSignInMinutes,
                                                approvalNeedsProviderMFA: body.approvalNeedsProviderMfa)
        let environment = try await EnvironmentSettings.update(input.path.environment, in: input.path.organization, change: change,
                                                               actorID: try Self.actorID, secrets: try Self.secrets,
                                                               hasIdentityProvider: try Self.request.application.openIDProvider != nil, on: try Self.database)
        return .ok(.init(body: .json(.init(environment, organization: input.path.organization,
                                           serial: try await Self.serialNumber(of: environment)))))
    }

    func listMFAAuthentications(_ input: Operations.ListMFAAuthentications.Input) async throws -> Operations.ListMFAAuthentications.Output {
        let environment = try await Environments.find(input.path.environment, in: input.path.organization, actorID: try Self.actorID,
                                                      on: try Self.database)
        let records = try await MFAAuthentication.query(on: try Self.database).filter(\.$environment.$id == environment.requireID())
            .sort(\.$at, .descending).limit(1000).all()
        let items = records.map(Components.Schemas.MFAAuthentication.init)
        let wantsLines = input.headers.accept.contains { $0.contentType == .applicationXNdjson }
            && !input.headers.accept.contains { $0.contentType == .json }
        if wantsLines {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let lines = try items.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
            return .ok(.init(body: .applicationXNdjson(HTTPBody(lines))))
        }
        return .ok(.init(body: .json(items)))
    }

    /// The MFA serial the caller's codes go with (their own device, else AWS_MFA_SERIAL_NUMBER), for prompts.
    static func serialNumber(of environment: TerraformEnvironment?) async throws -> String? {
        guard let environment else { return nil }
        return try await Runs.serial(of: environment, for: try actorID, secrets: try secrets, on: try database)
    }
}

extension Components.Schemas.Environment {
    init(_ environment: TerraformEnvironment, organization: String, serial: String?) {
        self.init(name: environment.name, organization: organization, mfa: .init(environment.mfaLevel),
                  planRoleArn: environment.planRoleARN, applyRoleArn: environment.applyRoleARN, mfaSerialNumber: serial,
                  requirePersonalMfaDevice: environment.requiresPersonalMFADevice,
                  approverMustDifferFromQueuer: environment.approverMustDiffer, requiredApprovals: environment.requiredApprovals,
                  awsSessionHours: environment.awsSessionHours, approvalSignInMinutes: environment.approvalSignInMinutes,
                  approvalNeedsProviderMfa: environment.approvalSignInMinutes == nil ? nil : environment.approvalNeedsProviderMFA,
                  restrictedToTeams: environment.restrictedToTeams ? true : nil)
    }
}

extension Components.Schemas.MFAAuthentication {
    init(_ record: MFAAuthentication) {
        self.init(username: record.username, at: Date(timeIntervalSince1970: record.at), run: record.runID?.uuidString.lowercased(),
                  phase: record.phase == .plan ? .plan : .apply, succeeded: record.succeeded, stsRequestId: record.stsRequestID,
                  error: record.error, deviceSerial: record.deviceSerial, planSha256: record.planSHA256, identityProof: record.identityProof,
                  purpose: record.purpose.flatMap(Components.Schemas.MFAAuthentication.PurposePayload.init(rawValue:)))
    }
}
