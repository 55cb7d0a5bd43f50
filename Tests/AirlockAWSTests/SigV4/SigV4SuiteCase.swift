import Foundation
@testable import AirlockAWS

/// One case of AWS's signing test suite in `shared/vectors/sigv4/<name>/`.
struct SigV4SuiteCase {
    struct Context: Decodable {
        struct Credentials: Decodable {
            let access_key_id: String
            let secret_access_key: String
            let token: String?
        }
        let credentials: Credentials
        let expiration_in_seconds: Int
        let normalize: Bool
        let region: String
        let service: String
        let sign_body: Bool
        let timestamp: String
        let omit_session_token: Bool?
    }

    static let folder: URL = {
        // Tests/AirlockAWSTests/SigV4/this file -> repository root -> ../shared/vectors/sigv4
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/vectors/sigv4")
    }()

    static var names: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { name in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).appendingPathComponent("context.json").path)
        }.sorted()
    }

    let name: String
    let context: Context
    let request: SigV4Request

    init(name: String) throws {
        self.name = name
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name).appendingPathComponent("context.json"))
        context = try JSONDecoder().decode(Context.self, from: data)
        request = try Self.parseRequest(try Self.expected("request.txt", in: name))
    }

    var signer: SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token
            ),
            region: context.region,
            service: context.service,
            options: .init(
                normalizePath: context.normalize,
                signBodyHeader: context.sign_body,
                omitSessionToken: context.omit_session_token ?? false
            )
        )
    }

    var date: Date {
        ISO8601DateFormatter().date(from: context.timestamp)!
    }

    func expected(_ file: String) throws -> String {
        try Self.expected(file, in: name)
    }

    static func expected(_ file: String, in name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent(file), encoding: .utf8)
    }

    /// Parses `request.txt`: request line, headers (a line starting with white space continues the
    /// previous header), a blank line, then the body.
    static func parseRequest(_ text: String) throws -> SigV4Request {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: " ")
        let method = String(parts[0])
        // The target sits between the method and the trailing " HTTP/1.1" and may contain spaces.
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        var headers: [SigV4Request.Header] = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = lines.joined(separator: "\n")
        let (path, queryString) = target.firstIndex(of: "?").map {
            (String(target[..<$0]), String(target[target.index(after: $0)...]))
        } ?? (target, "")
        let query = queryString.split(separator: "&").map { pair -> SigV4Request.QueryItem in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return .init(URIEncoding.decode(String(halves[0])), URIEncoding.decode(halves.count > 1 ? String(halves[1]) : ""))
        }
        return SigV4Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }
}
