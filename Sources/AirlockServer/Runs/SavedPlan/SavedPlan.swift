/// What a saved plan file (`terraform plan -out`) will do, read from its bytes by Airlock itself: its `tfplan` entry's
/// resource changes and action invocations. These bytes are the ones hashed, sealed and applied, and Terraform's apply
/// acts on exactly these changes, so no process of the run (no provider, no second `terraform show`) stands between
/// what an approver reads and what the apply does. No provider is needed: addresses and actions are plain fields.
struct SavedPlan {
    /// One resource instance's planned change, as the plan records it.
    struct Change: Equatable {
        let address: String
        /// Set for a deposed object of the instance (left by a create-before-destroy that failed).
        let deposedKey: String
        let action: Action
        let importing: Bool
    }

    /// The plan file's change actions (its protobuf enum's values).
    enum Action: UInt64 {
        case noOp = 0, create = 1, read = 2, update = 3, delete = 5, deleteThenCreate = 6, createThenDelete = 7, forget = 8,
             createThenForget = 9
    }

    /// The largest `tfplan` entry read, inflated, and the most changes and action invocations it may hold.
    static let tfplanLimit = 128 << 20
    static let changeLimit = 100_000
    /// The most fields read and kept of one change (Terraform writes each once): a change of millions of tiny
    /// repeated fields costs no memory.
    static let fieldsPerMessage = 64

    let terraformVersion: String
    let changes: [Change]
    /// The addresses of the actions the apply invokes (Terraform 1.14 and later).
    let actionInvocations: [String]

    init(_ file: [UInt8]) throws(SavedPlanError) {
        let tfplan = try ZipArchive(file).contents(of: "tfplan", limit: Self.tfplanLimit)
        let plan = try ProtobufFields(tfplan[...], keeping: [1, 3, 14, 30], maximumKept: Self.changeLimit)
        // The format's version has been 3 in every Terraform since 0.12; the layout of a change's address has not.
        guard try plan.varint(1) == 3 else { throw .plan("format version \(try plan.varint(1)), not 3") }
        terraformVersion = try plan.string(14)
        let splitAddresses = terraformVersion.hasPrefix("1.0.") || terraformVersion.hasPrefix("0.")
        changes = try plan.messages(3).map { bytes throws(SavedPlanError) in
            try Self.change(ProtobufFields(bytes, keeping: [1, 2, 3, 4, 5, 6, 7, 9, 13], maximumKept: Self.fieldsPerMessage), splitAddress: splitAddresses)
        }
        actionInvocations = try plan.messages(30).map { bytes throws(SavedPlanError) in
            let address = try ProtobufFields(bytes, keeping: [1], maximumKept: Self.fieldsPerMessage).string(1)
            guard PlanAddress.isCanonical(address) else { throw .plan("an action address Terraform would not print: \(address.debugDescription)") }
            return address
        }
    }

    private static func change(_ fields: ProtobufFields, splitAddress: Bool) throws(SavedPlanError) -> Change {
        let address = splitAddress ? try legacyAddress(fields) : try fields.string(13)
        guard !address.isEmpty else { throw .plan("a change without an address") }
        guard PlanAddress.isCanonical(address) else { throw .plan("an address Terraform would not print: \(address.debugDescription)") }
        guard let change = try fields.message(9, keeping: [1, 5], maximumKept: Self.fieldsPerMessage) else { throw .plan("\(address) has no change") }
        let number = try change.varint(1)
        guard let action = Action(rawValue: number) else { throw .plan("\(address) has the unknown action \(number)") }
        return Change(address: address, deposedKey: try fields.string(7), action: action, importing: try change.message(5) != nil)
    }

    /// Terraform 1.0 records an address in parts: module path, mode, type, name and instance key (a string key
    /// quoted as Go's `%q` quotes it, as 1.0 prints it).
    private static func legacyAddress(_ fields: ProtobufFields) throws(SavedPlanError) -> String {
        let module = try fields.string(1)
        let mode = try fields.varint(2)
        guard mode <= 1 else { throw .plan("the unknown resource mode \(mode)") }
        var address = (module.isEmpty ? "" : module + ".") + (mode == 1 ? "data." : "") + (try fields.string(3)) + "." + (try fields.string(4))
        // The key is a `oneof`: the last of its fields read is the one set.
        switch fields.lastOf([5, 6]) {
        case 5: address += "[" + goQuoted(try fields.string(5)) + "]"
        case 6: address += "[\(Int64(bitPattern: try fields.varint(6)))]"
        default: break
        }
        return address
    }

    private static func goQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            case "\u{07}": quoted += "\\a"
            case "\u{08}": quoted += "\\b"
            case "\u{0B}": quoted += "\\v"
            case "\u{0C}": quoted += "\\f"
            case _ where scalar.value < 0x80 && !PlanAddress.isPrintable(scalar): quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            case _ where scalar.value <= 0xFFFF && !PlanAddress.isPrintable(scalar): quoted += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            case _ where !PlanAddress.isPrintable(scalar): quoted += "\\U" + String(scalar.value, radix: 16).leftPadded(to: 8)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
