import Foundation

/// What a saved plan will do, read from the plan file itself (`SavedPlan`): the counts of Terraform's own "Plan:" line
/// and each resource with its action. Only addresses and actions are kept, never values.
struct PlanSummary: Codable, Sendable, Equatable {
    /// What the apply does to one resource, or an action it invokes.
    enum Action: String, Codable, Sendable, CaseIterable {
        case create, update, replace, delete, read, `import`, forget, createThenForget, invoke

        /// How the run page and the CLI name it.
        var label: String {
            switch self {
            case .create: "create"
            case .update: "update in place"
            case .replace: "replace (destroy and create)"
            case .delete: "destroy"
            case .read: "read during apply"
            case .import: "import"
            case .forget: "forget (removed from the state only)"
            case .createThenForget: "replace, forgetting the old object (create, and keep the old one outside Terraform)"
            case .invoke: "invoke action"
            }
        }

        /// Whether the row is marked as destructive where it is shown.
        var isDestructive: Bool { self == .delete || self == .replace }
    }

    struct Resource: Codable, Sendable, Equatable {
        let address: String
        let action: Action
    }

    /// The counts, as Terraform's "Plan: 1 to add, 0 to change, 0 to destroy." (a replacement adds one and destroys one).
    var add = 0, change = 0, destroy = 0, imports = 0, forget = 0
    /// Actions the apply invokes (Terraform 1.14 and later), as Terraform's "Actions: 1 to invoke."
    var invoke = 0
    /// The resources that change, the destroyed and replaced ones first, then the actions invoked, then the rest, each
    /// part by address; at most `listedLimit`.
    var resources: [Resource] = []
    /// How many more change beyond those listed.
    var unlisted = 0

    static let listedLimit = 500

    /// Terraform's own line for the counts. Like Terraform's, it does not count what is forgotten (Terraform warns of
    /// it instead); the resources listed do.
    var headline: String {
        var parts: [String] = []
        if imports > 0 { parts.append("\(imports) to import") }
        parts += ["\(add) to add", "\(change) to change", "\(destroy) to destroy"]
        let plan = "Plan: " + parts.joined(separator: ", ") + "."
        return invoke > 0 ? plan + " Actions: \(invoke) to invoke." : plan
    }

    /// The summary of a saved plan, counted as Terraform counts it.
    init(_ plan: SavedPlan) {
        // Destructive changes first, so a long plan never lists them past the limit; then by address.
        let changes = plan.changes.compactMap { planned in Self.action(of: planned).map { (planned, $0) } }
            .sorted { ($0.1.isDestructive ? 0 : 1, $0.0.address, $0.0.deposedKey) < ($1.1.isDestructive ? 0 : 1, $1.0.address, $1.0.deposedKey) }
        let destructive = changes.prefix { $0.1.isDestructive }.count
        for (index, (planned, action)) in changes.enumerated() {
            if index == destructive { listActions(plan) }
            switch action {
            case .create: add += 1
            case .update: change += 1
            case .replace: add += 1; destroy += 1
            case .delete: destroy += 1
            case .import: imports += 1
            case .forget: forget += 1
            case .createThenForget: add += 1; forget += 1
            case .read, .invoke: break
            }
            // An import that also changes the resource counts as both, as Terraform counts it.
            if action != .import, planned.importing { imports += 1 }
            list(Resource(address: planned.address, action: action))
        }
        if destructive == changes.count { listActions(plan) }
    }

    /// The actions the apply invokes, listed after the destructive changes and before the rest.
    private mutating func listActions(_ plan: SavedPlan) {
        for address in plan.actionInvocations.sorted() {
            invoke += 1
            list(Resource(address: address, action: .invoke))
        }
    }

    init() {}

    /// Reads summaries stored before `invoke` was counted, too.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        add = try container.decode(Int.self, forKey: .add)
        change = try container.decode(Int.self, forKey: .change)
        destroy = try container.decode(Int.self, forKey: .destroy)
        imports = try container.decode(Int.self, forKey: .imports)
        forget = try container.decode(Int.self, forKey: .forget)
        invoke = try container.decodeIfPresent(Int.self, forKey: .invoke) ?? 0
        resources = try container.decode([Resource].self, forKey: .resources)
        unlisted = try container.decode(Int.self, forKey: .unlisted)
    }

    private mutating func list(_ resource: Resource) {
        if resources.count < Self.listedLimit {
            resources.append(resource)
        } else {
            unlisted += 1
        }
    }

    /// The summary with each address passed through `mask`.
    func mapAddresses(_ mask: (String) -> String) -> PlanSummary {
        var mapped = self
        mapped.resources = resources.map { Resource(address: mask($0.address), action: $0.action) }
        return mapped
    }

    /// One change's action as the summary names it; nil for a resource left as it is.
    private static func action(of change: SavedPlan.Change) -> Action? {
        switch change.action {
        case .noOp: change.importing ? .import : nil
        case .create: .create
        case .update: .update
        case .deleteThenCreate, .createThenDelete: .replace
        case .delete: .delete
        case .read: .read
        case .forget: .forget
        case .createThenForget: .createThenForget
        }
    }
}
