/// A child process could not be started, or a descriptor for it could not be made; the message says why.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
