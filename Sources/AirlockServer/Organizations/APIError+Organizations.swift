import Vapor

extension APIError {
    static func organizationNameTaken(_ name: String) -> APIError {
        APIError(status: .conflict, code: "name_taken", reason: "The organization name \"\(name)\" is taken.")
    }

    /// What a user cannot see does not exist for them: 404, never 403.
    static func organizationNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, code: "not_found", reason: "There is no organization \"\(name)\" that you belong to.")
    }

    static let ownersOnly = APIError(status: .forbidden, code: "owners_only", reason: "Only the organization's owners can do this.")

    static func unknownMember(_ username: String) -> APIError {
        APIError(status: .notFound, code: "unknown_member", reason: "\"\(username)\" is not a member of this organization.")
    }

    static let lastOwner = APIError(status: .conflict, code: "last_owner",
                                    reason: "An organization needs at least one owner: make someone else an owner first.")

    static func invalidRole(_ role: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_role", reason: "There is no role \"\(role)\"; roles are owner and member.")
    }
}
