/// Where a variable lives, as a caller names it: an organization (every run of it) or one of its
/// environments (whose variables override the organization's on the same key).
enum VariableScope: Sendable {
    case organization(String)
    case environment(organization: String, environment: String)

    var organization: String {
        switch self {
        case let .organization(name), let .environment(name, _): name
        }
    }
}
