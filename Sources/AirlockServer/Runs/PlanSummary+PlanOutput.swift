import Foundation

extension PlanSummary {
    /// The most of `terraform plan`'s output read for its summary; a longer one is summarized with `terraform show -json`.
    static let planOutputLimit = 16 << 20

    /// The summary of `terraform plan -no-color`'s own output, the text the run's log shows, so no second Terraform
    /// (`terraform show -json`, which starts every provider again for its schema) is needed: each resource's line
    /// ("  # aws_instance.web will be created") and Terraform's "Plan:" line, counted as `init(terraformShowOutput:)`
    /// counts. Nil unless every such line reads as this knows Terraform writes them and the resources add up to the
    /// "Plan:" line exactly (a Terraform with other wording, a truncated output): the saved plan is then read with
    /// `terraform show -json`. Attribute lines cannot pass for a resource's: Terraform indents them further, and a
    /// value's own lines further still.
    init?(planOutput output: Data) {
        self.init()
        var stated: [String: Int]?
        var lastAction: Action?
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Plan: ") {
                guard stated == nil, let counts = Self.statedCounts(line.dropFirst("Plan: ".count)) else { return nil }
                stated = counts
            } else if line.hasPrefix("  # (") {
                // A note under a resource's line; one says it is imported as well as changed.
                if line.hasPrefix("  # (imported from ") || line == "  # (will be imported first)" {
                    guard let action = lastAction, action != .import else { return nil }
                    imports += 1
                }
            } else if line.hasPrefix("  # ") {
                let statement = line.dropFirst("  # ".count)
                if Self.isDriftOrMove(statement) {
                    lastAction = nil
                    continue
                }
                guard let known = Self.endings.first(where: { statement.hasSuffix($0.ending) }) else { return nil }
                let action = known.action
                var address = String(statement.dropLast(known.ending.count))
                if let deposed = address.range(of: " (deposed object ", options: .backwards), address.hasSuffix(")") {
                    address = String(address[..<deposed.lowerBound])
                }
                guard !address.isEmpty else { return nil }
                record(address, action)
                lastAction = action
            } else if line.hasPrefix(" # "), let forgotten = line.range(of: " will no longer be managed by Terraform") {
                record(String(line[line.index(line.startIndex, offsetBy: 3)..<forgotten.lowerBound]), .forget)
                lastAction = .forget
            }
        }
        // No "Plan:" line: only a plan that changes outputs alone, with no resource line at all.
        guard let stated else {
            guard resources.isEmpty else { return nil }
            return
        }
        // Terraform leaves out "to import" when there is none, and (1.15) the forgotten resources altogether.
        let counted = ["import": imports, "add": add, "change": change, "destroy": destroy]
        guard counted.allSatisfy({ stated[$0.key, default: 0] == $0.value }), stated["forget"].map({ $0 == forget }) ?? true else { return nil }
    }

    /// Counts one resource's change as Terraform's "Plan:" line counts it, and lists it.
    private mutating func record(_ address: String, _ action: Action) {
        switch action {
        case .create: add += 1
        case .update: change += 1
        case .replace: add += 1; destroy += 1
        case .delete: destroy += 1
        case .import: imports += 1
        case .forget: forget += 1
        case .read: break
        }
        if resources.count < Self.listedLimit {
            resources.append(Resource(address: address, action: action))
        } else {
            unlisted += 1
        }
    }

    /// "1 to import, 2 to add, 0 to change, 1 to destroy." as counts by verb; nil for anything else (each verb once, add,
    /// change and destroy always there).
    private static func statedCounts(_ text: Substring) -> [String: Int]? {
        guard text.hasSuffix(".") else { return nil }
        var counts: [String: Int] = [:]
        for part in text.dropLast().split(separator: ", ") {
            let words = part.split(separator: " ")
            guard words.count == 3, words[1] == "to", let count = Int(words[0]), count >= 0,
                  let verb = ["import", "add", "change", "destroy", "forget"].first(where: { $0 == words[2] }), counts[verb] == nil else { return nil }
            counts[verb] = count
        }
        return ["add", "change", "destroy"].allSatisfy { counts[$0] != nil } ? counts : nil
    }

    /// How Terraform (1.0 to 1.15) ends a resource's line, by action.
    private static let endings: [(ending: String, action: Action)] = [
        // The longer endings first: " is tainted, so must be replaced" also ends in " must be replaced".
        (" is tainted, so must be replaced", .replace),
        (" will be created", .create),
        (" will be updated in-place", .update),
        (" will be destroyed", .delete),
        (" must be replaced", .replace),
        (" will be replaced, as requested", .replace),
        (" will be replaced due to changes in replace_triggered_by", .replace),
        (" will be read during apply", .read),
        (" will be imported", .import),
    ]

    /// Whether a resource's line tells of a change made outside Terraform, or of a move alone: not what the apply does.
    private static func isDriftOrMove(_ statement: Substring) -> Bool {
        statement.hasSuffix(" has changed") || statement.hasSuffix(" has been deleted") || statement.contains(" has moved to ")
    }
}
