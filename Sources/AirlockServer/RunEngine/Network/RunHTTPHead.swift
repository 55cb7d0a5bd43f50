import Foundation

/// An HTTP/1.1 request head as a run's Terraform sends it to its proxy or its state backend.
struct RunHTTPHead {
    let method: String
    let target: String
    let version: String
    /// In order, names as sent.
    let headers: [(name: String, value: String)]

    /// Parses a head (without its blank line); nil for anything that is not a plain HTTP/1.x request head.
    init?(_ text: String) {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine[2] == "HTTP/1.1" || requestLine[2] == "HTTP/1.0",
              !requestLine[0].isEmpty, requestLine[0].allSatisfy({ $0.isASCII && $0.isUppercase }), !requestLine[1].isEmpty else { return nil }
        method = String(requestLine[0])
        target = String(requestLine[1])
        version = String(requestLine[2])
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex, !line.contains("\0") else { return nil }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        self.headers = headers
    }

    /// The value of the first header `name` (any case).
    func value(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body's length from `Content-Length` (0 without one); nil when the body's length cannot be known this
    /// way (a chunked body, an unreadable or too large length).
    func contentLength(limit: Int) -> Int? {
        if value("Transfer-Encoding") != nil { return nil }
        guard let text = value("Content-Length") else { return 0 }
        guard text.count <= 12, let length = Int(text), length >= 0, length <= limit else { return nil }
        return length
    }

    /// `host` and `port` of a CONNECT target (`host:443`, `[::1]:443`).
    static func authority(_ text: Substring) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, host.count <= 253, portText.count <= 5, let port = Int(portText), (1...65535).contains(port),
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else { return nil }
        return (String(host), port)
    }
}
