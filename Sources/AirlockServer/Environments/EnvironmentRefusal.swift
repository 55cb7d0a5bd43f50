/// Why an operation on an organization's environments was refused.
enum EnvironmentRefusal: Refusal {
    case nameTaken(String)
    case notFound(String)

    var kind: RefusalKind {
        switch self {
        case .nameTaken: .conflict
        case .notFound: .notFound
        }
    }

    var code: String {
        switch self {
        case .nameTaken: "name_taken"
        case .notFound: "not_found"
        }
    }

    var message: String {
        switch self {
        case let .nameTaken(name): "The organization already has an environment \"\(name)\"."
        case let .notFound(name): "There is no environment \"\(name)\" in this organization."
        }
    }
}
