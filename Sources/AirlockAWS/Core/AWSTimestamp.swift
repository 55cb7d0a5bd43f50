import Foundation

/// The UTC date forms AWS uses, formatted without `DateFormatter` (which is slow and locale-bound).
struct AWSTimestamp: Sendable, Equatable {
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
    }

    /// `20150830`: the credential scope's date.
    var basic: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }

    /// `20150830T123600Z`: `X-Amz-Date`.
    var basicDateTime: String { basic + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2) + "Z" }

    /// `2015-08-30T12:36:00Z`: RFC 3339, as the credential cache and `credential_process` write it.
    var iso8601: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + "Z"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
