/// A variable as the API and pages show it: no value for a sensitive one.
struct ListedVariable: Sendable {
    let key: String
    let value: String?
    let sensitive: Bool
}
