import Foundation

/// `terraform show -json PLAN`'s answer, which is the policies' input: its one line that starts with `{`, which must
/// be one JSON object (it is embedded in the input document as it is).
enum ShownPlanJSON {
    /// The most of the output read.
    static let limit = 64 << 20

    /// Why the answer is not used.
    enum Failure: Error, CustomStringConvertible {
        case stopped
        case exited(Int32)
        case tooLarge
        case noJSON
        /// More than one line of JSON: not only Terraform's.
        case ambiguous
        /// The line is not one JSON object (it is embedded in the policies' input as one).
        case notAnObject

        var description: String {
            switch self {
            case .stopped: "terraform show was stopped"
            case let .exited(status): "terraform show exited with status \(status)"
            case .tooLarge: "its output is larger than \(ShownPlanJSON.limit >> 20) MiB"
            case .noJSON: "terraform show -json printed no JSON"
            case .ambiguous: "terraform show -json printed more than one line of JSON, so Airlock cannot tell Terraform's from another process's"
            case .notAnObject: "terraform show -json printed a line that is not one JSON object"
            }
        }
    }

    /// The JSON line of the output (merged with anything Terraform wrote to standard error). Output with more than one
    /// such line is refused: a provider of the run (it shares Terraform's output) could have written one of them.
    static func line(of output: Data) throws(Failure) -> Data {
        let lines = output.split(separator: UInt8(ascii: "\n")).filter { $0.first == UInt8(ascii: "{") }
        guard let line = lines.first else { throw .noJSON }
        guard lines.count == 1 else { throw .ambiguous }
        guard (try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any] else { throw .notAnObject }
        return Data(line)
    }
}
