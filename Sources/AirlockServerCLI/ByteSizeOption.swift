import AirlockServer
import ArgumentParser

/// A size on the command line: bytes, or a number with K, M, G or T (powers of 1024), e.g. `512M`, `4G`.
struct ByteSizeOption: ExpressibleByArgument, Equatable, Sendable {
    let bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }

    var defaultValueDescription: String { RunLimits.describe(bytes) }

    init?(argument: String) {
        let text = argument.uppercased().hasSuffix("B") ? String(argument.dropLast()) : argument
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let (digits, unit) = text.last.flatMap { units[Character($0.uppercased())] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard !digits.isEmpty, digits.count <= 19, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        self.bytes = bytes
    }
}
