import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// `/organizations/{organization}/mfa-device`: the caller's own MFA device for an organization; `.../mfa-devices`:
/// every member's, for owners.
extension APIHandler {
    func getOwnMFADevice(_ input: Operations.GetOwnMFADevice.Input) async throws -> Operations.GetOwnMFADevice.Output {
        guard let device = try await PersonalMFADevices.own(for: try Self.actorID, in: input.path.organization, on: try Self.database) else {
            throw MFARefusal.noPersonalDevice
        }
        return .ok(.init(body: .json(.init(device))))
    }

    func setOwnMFADevice(_ input: Operations.SetOwnMFADevice.Input) async throws -> Operations.SetOwnMFADevice.Output {
        guard case let .json(body) = input.body else { throw APIError.unsupportedBody }
        let request = try Self.request
        let device = try await PersonalMFADevices.register(body.serial, codes: body.codes, for: try Self.actorID, in: input.path.organization,
                                                           services: request.application.mfaServices, on: request.db)
        return .ok(.init(body: .json(.init(device))))
    }

    func listMFADevices(_ input: Operations.ListMFADevices.Input) async throws -> Operations.ListMFADevices.Output {
        let devices = try await PersonalMFADevices.all(in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .ok(.init(body: .json(devices.map {
            .init(username: $0.username, serial: $0.device.serial, registeredAt: Date(timeIntervalSince1970: $0.device.registeredAt))
        })))
    }

    func revokeMFADevice(_ input: Operations.RevokeMFADevice.Input) async throws -> Operations.RevokeMFADevice.Output {
        try await PersonalMFADevices.revoke(input.path.username, in: input.path.organization, actorID: try Self.actorID, on: try Self.database)
        return .noContent(.init())
    }

    func removeOwnMFADevice(_ input: Operations.RemoveOwnMFADevice.Input) async throws -> Operations.RemoveOwnMFADevice.Output {
        try await PersonalMFADevices.remove(for: try Self.actorID, in: input.path.organization, on: try Self.database)
        return .noContent(.init())
    }
}

extension Components.Schemas.MFADevice {
    init(_ device: PersonalMFADevice) {
        self.init(serial: device.serial, registeredAt: Date(timeIntervalSince1970: device.registeredAt))
    }
}
