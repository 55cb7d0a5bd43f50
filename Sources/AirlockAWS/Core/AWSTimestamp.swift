import Foundation

/// The UTC date forms AWS uses, formatted without `DateFormatter` (which is slow and locale-bound).
struct AWSTimestamp: Sendable, Equatable {
    let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// Dates before 1970 or after 9999 are written as those years' bounds (an answer's hostile number must not trap).
    init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.isFinite ? min(max(interval, 0), 253_402_300_799).rounded(.down) : 0)
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
    var basic: String {
        var out: [UInt8] = []
        out.reserveCapacity(8)
        Self.digits(year, 4, &out); Self.digits(month, 2, &out); Self.digits(day, 2, &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `20150830T123600Z`: `X-Amz-Date`.
    var basicDateTime: String {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        Self.digits(year, 4, &out); Self.digits(month, 2, &out); Self.digits(day, 2, &out)
        out.append(UInt8(ascii: "T"))
        Self.digits(hour, 2, &out); Self.digits(minute, 2, &out); Self.digits(second, 2, &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `2015-08-30T12:36:00Z`: RFC 3339, as the credential cache and `credential_process` write it.
    var iso8601: String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        Self.digits(year, 4, &out); out.append(UInt8(ascii: "-"))
        Self.digits(month, 2, &out); out.append(UInt8(ascii: "-"))
        Self.digits(day, 2, &out); out.append(UInt8(ascii: "T"))
        Self.digits(hour, 2, &out); out.append(UInt8(ascii: ":"))
        Self.digits(minute, 2, &out); out.append(UInt8(ascii: ":"))
        Self.digits(second, 2, &out); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as exactly `width` decimal digits (zero-padded; years past 9999 keep their last four).
    private static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        let zero = UInt8(ascii: "0")
        if width == 2 {
            out.append(zero + UInt8(value / 10 % 10))
            out.append(zero + UInt8(value % 10))
            return
        }
        out.append(zero + UInt8(value / 1000 % 10))
        out.append(zero + UInt8(value / 100 % 10))
        out.append(zero + UInt8(value / 10 % 10))
        out.append(zero + UInt8(value % 10))
    }
}
