import Fluent
import HTTPTypes
import OpenAPIRuntime

/// Authorization before anything else: an owner-only operation answers 404 to a non-member and 403 to a
/// member before its body is read, limited or decoded (so a member learns nothing from a 400 or a 413).
/// The domains check ownership again where they act; this is the list of operations that need it.
struct OwnerOnlyOperations: ServerMiddleware {
    static let operations: Set<String> = [
        Operations.SetMember.id, Operations.RemoveMember.id,
        Operations.SetVariable.id, Operations.DeleteVariable.id,
        Operations.CreateEnvironment.id, Operations.UpdateEnvironmentSettings.id, Operations.DeleteEnvironment.id,
        Operations.SetEnvironmentVariable.id, Operations.DeleteEnvironmentVariable.id,
        Operations.ListNotificationDestinations.id, Operations.AddNotificationDestination.id, Operations.RemoveNotificationDestination.id,
        Operations.ListNotificationDeliveries.id, Operations.ListMFADevices.id, Operations.RevokeMFADevice.id,
    ]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        if Self.operations.contains(operationID) {
            let organization = metadata.pathParameters["organization"].map(String.init) ?? ""
            _ = try await Organizations.requireOwner(try APIHandler.actorID, in: organization, on: try APIHandler.database)
        }
        return try await next(request, body, metadata)
    }
}
