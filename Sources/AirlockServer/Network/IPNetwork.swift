/// An address range: `10.0.0.0/8`, `fd00::/8`, or one address (`10.0.0.5`, a whole-length prefix).
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let address: IPAddress
    let prefixLength: Int

    /// Parses `ADDRESS[/PREFIX]`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard parts[1].count <= 3, let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
    }

    /// Whether `address` lies in this range (of the same family).
    func contains(_ address: IPAddress) -> Bool { address.isIn(self.address, prefixLength: prefixLength) }

    public var description: String { "\(address)/\(prefixLength)" }
}
