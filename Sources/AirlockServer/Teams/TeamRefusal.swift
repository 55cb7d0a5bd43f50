/// Why an operation on teams or environments' team access was refused.
enum TeamRefusal: Refusal {
    case nameTaken(String)
    case notFound(String)
    /// An identity provider group name that is empty, too long or holds control characters.
    case invalidGroup
    case invalidAccess(String)
    /// Teams hold members of their organization only.
    case notAMember(String)
    case notInTeam(username: String, team: String)
    /// A person the team's identity provider group brought in: the group decides, at each sign-in.
    case followsGroup(username: String, group: String)

    var kind: RefusalKind {
        switch self {
        case .nameTaken: .conflict
        case .notFound, .notInTeam: .notFound
        case .invalidGroup, .invalidAccess, .notAMember: .invalid
        case .followsGroup: .conflict
        }
    }

    var code: String {
        switch self {
        case .nameTaken: "name_taken"
        case .notFound: "unknown_team"
        case .invalidGroup: "invalid_group"
        case .invalidAccess: "invalid_access"
        case .notAMember: "unknown_member"
        case .notInTeam: "not_in_team"
        case .followsGroup: "follows_group"
        }
    }

    var message: String {
        switch self {
        case let .nameTaken(name): "The organization already has a team \"\(name)\"."
        case let .notFound(name): "There is no team \"\(name)\" in this organization."
        case .invalidGroup: "An identity provider group is up to 256 characters without control characters, as the provider's groups claim lists it."
        case let .invalidAccess(access):
            "There is no access \"\(access)\"; it is one of \(EnvironmentAccess.allCases.map(\.rawValue).joined(separator: ", "))."
        case let .notAMember(username): "\"\(username)\" is not a member of this organization: add them as a member first."
        case let .notInTeam(username, team): "\(username) is not in the team \(team)."
        case let .followsGroup(username, group):
            "\(username) is in this team through the identity provider group \"\(group)\": remove them from the group at the provider, and they leave the team at their next sign-in."
        }
    }
}
