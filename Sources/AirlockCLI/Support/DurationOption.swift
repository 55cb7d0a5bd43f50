import ArgumentParser

/// A session length given as seconds (`3600`) or with units (`1h`, `15m`, `1h30m`, `900s`).
public struct DurationOption: ExpressibleByArgument, Equatable, Sendable {
    public let seconds: Int

    public init?(argument: String) {
        if let plain = Int(argument) {
            guard plain > 0 else { return nil }
            seconds = plain
            return
        }
        var total = 0
        var number = ""
        for character in argument.lowercased() {
            if character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Int(number) else { return nil }
            let unit: Int
            switch character {
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            // A number too large for its unit is refused, never trapped on.
            let (part, overflow) = value.multipliedReportingOverflow(by: unit)
            let (sum, overflowed) = total.addingReportingOverflow(part)
            guard !overflow, !overflowed else { return nil }
            total = sum
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        seconds = total
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}
