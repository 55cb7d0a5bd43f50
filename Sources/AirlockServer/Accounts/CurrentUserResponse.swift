import Vapor

/// `GET /api/v1/user`: who the token belongs to.
struct CurrentUserResponse: Content {
    let username: String
}
