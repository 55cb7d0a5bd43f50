import Foundation

/// What a saved plan will do, read from `terraform show -json` of it: the counts of Terraform's own "Plan:" line
/// and each resource with its action. Only addresses and actions are kept, never values (a plan's JSON holds
/// the sensitive ones too).
struct PlanSummary: Codable, Sendable, Equatable {
    /// What the apply does to one resource.
    enum Action: String, Codable, Sendable, CaseIterable {
        case create, update, replace, delete, read, `import`, forget

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
            }
        }
    }

    struct Resource: Codable, Sendable, Equatable {
        let address: String
        let action: Action
    }

    /// The counts, as Terraform's "Plan: 1 to add, 0 to change, 0 to destroy." (a replacement adds one and destroys one).
    var add = 0, change = 0, destroy = 0, imports = 0, forget = 0
    /// The resources that change, in the plan's order; at most `listedLimit`.
    var resources: [Resource] = []
    /// How many more change beyond those listed.
    var unlisted = 0

    static let listedLimit = 500
    /// The most of `terraform show -json` read; a larger plan gets no summary (its log still has Terraform's own).
    static let jsonLimit = 64 << 20

    /// Terraform's own line for the counts.
    var headline: String {
        var parts: [String] = []
        if imports > 0 { parts.append("\(imports) to import") }
        parts += ["\(add) to add", "\(change) to change", "\(destroy) to destroy"]
        if forget > 0 { parts.append("\(forget) to forget") }
        return "Plan: " + parts.joined(separator: ", ") + "."
    }

    /// The plan's JSON in `terraform show -json PLAN`'s output: its one line that starts with `{`. Output with more than
    /// one such line is refused: a provider of the run (it shares Terraform's output) could have written one of them.
    static func jsonLine(of output: Data) throws(PlanSummaryError) -> Data {
        let lines = output.split(separator: UInt8(ascii: "\n")).filter { $0.first == UInt8(ascii: "{") }
        guard let line = lines.first else { throw .noJSON }
        guard lines.count == 1 else { throw .ambiguous }
        return Data(line)
    }

    /// The summary of `terraform show -json PLAN`'s output (merged with anything Terraform wrote to standard
    /// error: the JSON is its one line that starts with `{`).
    init(terraformShowOutput output: Data) throws(PlanSummaryError) {
        let line = try Self.jsonLine(of: output)
        let plan: ShownPlan
        do {
            plan = try JSONDecoder().decode(ShownPlan.self, from: line)
        } catch {
            throw .unreadable(String(describing: error))
        }
        for resource in plan.resourceChanges ?? [] {
            let importing = resource.change.importing != nil
            guard let action = Self.action(of: resource.change.actions, importing: importing) else { continue }
            switch action {
            case .create: add += 1
            case .update: change += 1
            case .replace: add += 1; destroy += 1
            case .delete: destroy += 1
            case .import: imports += 1
            case .forget: forget += 1
            case .read: break
            }
            // An import that also changes the resource counts as both, as Terraform counts it.
            if action != .import, importing { imports += 1 }
            if resources.count < Self.listedLimit {
                resources.append(Resource(address: resource.address, action: action))
            } else {
                unlisted += 1
            }
        }
    }

    init() {}

    /// The summary with each address passed through `mask`.
    func mapAddresses(_ mask: (String) -> String) -> PlanSummary {
        var mapped = self
        mapped.resources = resources.map { Resource(address: mask($0.address), action: $0.action) }
        return mapped
    }

    /// Terraform's action list for one resource, as one action; nil for a resource left as it is.
    private static func action(of actions: [String], importing: Bool) -> Action? {
        switch actions {
        case ["create"]: .create
        case ["update"]: .update
        case ["delete", "create"], ["create", "delete"]: .replace
        case ["delete"]: .delete
        case ["read"]: .read
        case ["forget"]: .forget
        case ["no-op"] where importing: .import
        default: nil
        }
    }

    /// The part of `terraform show -json`'s plan representation read here.
    private struct ShownPlan: Decodable {
        struct ResourceChange: Decodable {
            struct Change: Decodable {
                let actions: [String]
                let importing: Importing?
            }
            /// Present when the resource is imported by this plan; its content is not needed.
            struct Importing: Decodable {}
            let address: String
            let change: Change
        }
        let resourceChanges: [ResourceChange]?

        enum CodingKeys: String, CodingKey {
            case resourceChanges = "resource_changes"
        }
    }
}

/// Why a plan's summary could not be read.
enum PlanSummaryError: Error, CustomStringConvertible {
    case noJSON
    /// More than one line of JSON: not only Terraform's.
    case ambiguous
    case unreadable(String)
    case tooLarge

    var description: String {
        switch self {
        case .noJSON: "terraform show -json printed no JSON"
        case .ambiguous: "terraform show -json printed more than one line of JSON, so Airlock cannot tell Terraform's from another process's"
        case let .unreadable(reason): "terraform show -json printed JSON Airlock could not read (\(reason))"
        case .tooLarge: "the plan's JSON is larger than \(PlanSummary.jsonLimit >> 20) MiB"
        }
    }
}
