@testable import AirlockServer

/// The domain refusal `body` threw, if it threw one (nil when it succeeded or threw something else).
func refusal(_ body: () async throws -> Void) async -> (any Refusal)? {
    do {
        try await body()
        return nil
    } catch {
        return error as? any Refusal
    }
}
