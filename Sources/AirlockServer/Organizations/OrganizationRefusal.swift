/// Why an operation on organizations or their members was refused.
enum OrganizationRefusal: Refusal {
    case nameTaken(String)
    /// What a user cannot see does not exist for them: never "forbidden".
    case notFound(String)
    case ownersOnly
    case unknownMember(String)
    /// The person belongs to organizations the caller does not own (or is an administrator): ending their sessions and
    /// tokens would reach beyond this organization.
    case notInYourCare(String)
    case lastOwner
    case invalidRole(String)
    case creationReserved

    var kind: RefusalKind {
        switch self {
        case .nameTaken, .lastOwner: .conflict
        case .notFound, .unknownMember: .notFound
        case .ownersOnly, .creationReserved, .notInYourCare: .forbidden
        case .invalidRole: .invalid
        }
    }

    var code: String {
        switch self {
        case .nameTaken: "name_taken"
        case .notFound: "not_found"
        case .ownersOnly: "owners_only"
        case .unknownMember: "unknown_member"
        case .notInYourCare: "member_elsewhere"
        case .lastOwner: "last_owner"
        case .invalidRole: "invalid_role"
        case .creationReserved: "organization_creation_reserved"
        }
    }

    var message: String {
        switch self {
        case let .nameTaken(name): "The organization name \"\(name)\" is taken."
        case let .notFound(name): "There is no organization \"\(name)\" that you belong to."
        case .ownersOnly: "Only the organization's owners can do this."
        case let .unknownMember(username): "\"\(username)\" is not a member of this organization."
        case let .notInYourCare(username):
            "\(username) also belongs to organizations you do not own (or is one of the server's administrators): their sessions and tokens reach beyond this organization. Remove them from it, or ask the server's administrators."
        case .lastOwner: "An organization needs at least one owner: make someone else an owner first."
        case let .invalidRole(role): "There is no role \"\(role)\"; roles are owner and member."
        case .creationReserved:
            "Only this server's administrators create organizations: ask one to create it and make you its owner "
                + "(the server's operator can let every account holder create them: airlock serve --organization-creators everyone)."
        }
    }
}
