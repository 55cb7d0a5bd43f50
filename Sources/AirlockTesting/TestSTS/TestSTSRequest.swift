/// An HTTP request as the test STS's engine sees it, independent of the web framework serving it.
public struct TestSTSRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The parameters of the query string and the form body together.
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for text in [query, String(decoding: body, as: UTF8.self)] {
            for pair in text.split(separator: "&") {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = FormDecoding.decode(String(halves[0]))
                result[name] = halves.count > 1 ? FormDecoding.decode(String(halves[1])) : ""
            }
        }
        return result
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
enum FormDecoding {
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The test STS's answer.
public struct TestSTSResponse: Sendable {
    public var status: Int
    public var body: String
    public var requestID: String
    public var contentType = "text/xml"
    /// `x-amzn-ErrorType` of a REST-JSON error (Identity Center's).
    public var errorType: String? = nil
}
