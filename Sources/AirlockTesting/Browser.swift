import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A minimal browser for page tests: keeps cookies, does not follow redirects (tests check them), and
/// sends the CSRF token of the last page it saw with every form, as a real form would.
public actor Browser {
    public struct Page: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: String

        /// The `Location` of a redirect.
        public var location: String? { header("location") }

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// Every `Set-Cookie` line.
        public var setCookies: [String] { headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1) }

        /// The value of the first hidden `csrf_token` field.
        public var csrfToken: String? {
            guard let range = body.range(of: #"name="csrf_token" value=""#) else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    private static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)))
    )

    public let base: String
    public private(set) var cookies: [String: String] = [:]
    private var lastCSRFToken: String?
    private let client: HTTPClient

    /// - Parameter client: another client than the default one (one that trusts a test CA, say); it must not
    ///   follow redirects.
    public init(base: String, client: HTTPClient? = nil) {
        self.base = base
        self.client = client ?? Self.client
    }

    /// Replaces the cookie jar (e.g. to replay a cookie after logging out).
    public func setCookies(_ cookies: [String: String]) {
        self.cookies = cookies
    }

    public func get(_ path: String) async throws -> Page {
        try await send("GET", path, form: nil)
    }

    /// Posts a form; the last page's CSRF token is added unless `csrf` is given (`""` sends none).
    public func submit(_ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> Page {
        var fields = fields
        let token = csrf ?? lastCSRFToken ?? ""
        if !token.isEmpty { fields.append(("csrf_token", token)) }
        return try await send("POST", path, form: fields)
    }

    /// Logs in through the login page.
    public func logIn(_ username: String, password: String) async throws -> Page {
        _ = try await get("/login")
        return try await submit("/login", [("username", username), ("password", password)])
    }

    private func send(_ method: String, _ path: String, form: [(String, String)]?) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        request.headers.add(name: "Accept", value: "text/html")
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: Self.encode(form)))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
        let page = Page(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        for line in page.setCookies {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let expired = line.lowercased().contains("max-age=0") || line.lowercased().contains("expires=thu, 01 jan 1970")
            cookies[String(pair[0])] = expired ? nil : String(pair[1])
        }
        if let token = page.csrfToken { lastCSRFToken = token }
        return page
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}
