/// Why an operation on notification destinations was refused.
enum NotificationRefusal: Refusal {
    case invalidURL(String)
    case notFound
    case tooManyDestinations(Int)

    var kind: RefusalKind {
        switch self {
        case .invalidURL: .unprocessable
        case .notFound: .notFound
        case .tooManyDestinations: .conflict
        }
    }

    var code: String {
        switch self {
        case .invalidURL: "invalid_url"
        case .notFound: "not_found"
        case .tooManyDestinations: "too_many_destinations"
        }
    }

    var message: String {
        switch self {
        case .invalidURL: "A notification destination is an http or https URL with a host (at most 2048 characters)."
        case .notFound: "There is no such notification destination in this organization."
        case let .tooManyDestinations(maximum): "An organization has at most \(maximum) notification destinations; remove one first."
        }
    }
}
