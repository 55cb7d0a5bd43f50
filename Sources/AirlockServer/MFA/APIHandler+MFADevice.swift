import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// `/organizations/{organization}/mfa-device`: the caller's own MFA device for an organization.
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
        let device = try await PersonalMFADevices.register(body.serial, for: try Self.actorID, in: input.path.organization,
                                                           at: request.application.clock.now, on: request.db)
        return .ok(.init(body: .json(.init(device))))
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
