import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// IAM Identity Center's OIDC service, for the one call a client makes without a browser: CreateToken with a refresh
/// token (`POST /token`, JSON, unsigned), which renews an `sso_session`'s access token as botocore does.
struct SSOOIDCClient: Sendable {
    struct TokenAnswer: Sendable, Decodable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String?
    }

    let endpoint: URL
    let client: AWSQueryClient

    /// The new token, or nil when the service refused the grant (botocore then goes on with the old token).
    func refresh(clientID: String, clientSecret: String, refreshToken: String) async throws -> TokenAnswer? {
        let body: [String: String] = ["grantType": "refresh_token", "clientId": clientID, "clientSecret": clientSecret,
                                      "refreshToken": refreshToken]
        let url = endpoint.appendingPathComponent("token")
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let (status, _, bytes) = try await client.exchange(request, endpoint: url)
        guard (200..<300).contains(status) else { return nil }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(bytes)), answer.expiresIn > 0,
              answer.expiresIn <= 366 * 86400 else {
            throw AWSTransportError.unreadableResponse(endpoint: url.absoluteString, httpStatus: status, reason: "not a CreateToken answer")
        }
        return answer
    }
}
