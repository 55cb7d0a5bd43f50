import Foundation

/// Reads the RFC 3339 timestamps AWS writes: `2011-07-11T19:55:29Z`, `2011-07-11T19:55:29.611Z`,
/// with a numeric offset (`+00:00`), or with `UTC` as the AWS CLI's cache writes it.
public enum ISO8601Timestamp {
    public static func parse(_ text: String) -> Date? {
        let plain = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        // The AWS CLI's cache writes `2026-11-23T18:00:00UTC` (Python's `%Z`).
        if trimmed.hasSuffix("UTC") { trimmed = String(trimmed.dropLast(3)) + "Z" }
        return (try? plain.parse(trimmed)) ?? (try? fractional.parse(trimmed))
    }

    /// `2011-07-11T19:55:29Z` (whole seconds, UTC).
    public static func format(_ date: Date) -> String {
        AWSTimestamp(date).iso8601
    }
}
