/// Why Airlock could not read a saved plan file (`terraform plan -out`) itself.
enum SavedPlanError: Error, Equatable, CustomStringConvertible {
    /// The file is not a zip archive Airlock reads: damaged, or with a feature Terraform never writes.
    case archive(String)
    /// The archive has no `tfplan` entry, or more than one.
    case missingEntry(String)
    /// The `tfplan` entry is larger than `SavedPlan.tfplanLimit` once inflated.
    case tooLarge(Int)
    /// The `tfplan` entry is not the protobuf message Terraform writes.
    case plan(String)

    var description: String {
        switch self {
        case let .archive(reason): "the file is not a plan archive Airlock can read (\(reason))"
        case let .missingEntry(name): "the archive has no single \(name) entry"
        case let .tooLarge(limit): "its tfplan is larger than \(limit >> 20) MiB"
        case let .plan(reason): "its tfplan could not be read (\(reason))"
        }
    }
}
