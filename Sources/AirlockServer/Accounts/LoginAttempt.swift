import Fluent
import Foundation

/// One try at the login form, recorded before the password is checked (so parallel tries count at once)
/// and deleted when the password was right: what remains are failures, which `LoginThrottle` counts.
final class LoginAttempt: Model, @unchecked Sendable {
    // @unchecked: a Fluent model instance belongs to the one request that created it.
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    /// The client's IP address as the server saw it.
    @Field(key: "address") var address: String
    /// Seconds since 1970.
    @Field(key: "attempted_at") var attemptedAt: Double

    init() {}

    init(username: String, address: String, at time: Date) {
        self.username = username
        self.address = address
        self.attemptedAt = time.timeIntervalSince1970
    }
}
