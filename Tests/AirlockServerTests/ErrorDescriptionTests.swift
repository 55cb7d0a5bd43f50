@testable import AirlockServer
import Testing
import Vapor

/// What every edge shows for errors that are not a domain's refusal.
@Suite struct ErrorDescriptionTests {
    @Test func aRequestThatWaitedTooLongForTheDatabaseIsA503ThatMayBeRetried() async throws {
        let app = try await Application.make(.testing)
        let request = Request(application: app, on: app.eventLoopGroup.any())
        let undecodable = ErrorDescription.Undecodable(status: .badRequest, message: "bad body")
        let busy = ErrorDescription(ConnectionPoolTimeoutError.connectionRequestTimeout, undecodable: undecodable, request: request)
        #expect(busy.status == .serviceUnavailable)
        #expect(busy.code == "database_busy")
        let other = ErrorDescription(CancellationError(), undecodable: undecodable, request: request)
        #expect(other.status == .internalServerError)
        #expect(!other.message.contains("Cancellation"))
        try await app.asyncShutdown()
    }
}
