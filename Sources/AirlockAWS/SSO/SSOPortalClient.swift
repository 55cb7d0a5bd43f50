import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The IAM Identity Center portal's GetRoleCredentials (`GET /federation/credentials`, the access token in
/// `x-amz-sso_bearer_token`, unsigned): a role's temporary credentials for a signed-in user.
struct SSOPortalClient: Sendable {
    private struct Answer: Decodable {
        struct RoleCredentials: Decodable {
            var accessKeyId: String
            var secretAccessKey: String
            var sessionToken: String
            /// Milliseconds since 1970.
            var expiration: Double
        }

        var roleCredentials: RoleCredentials
    }

    private struct ErrorAnswer: Decodable {
        var message: String?
        var Message: String?
    }

    let endpoint: URL
    let client: AWSQueryClient

    /// Throws `SSOError.sessionExpired` when the portal refuses the token (401), `SSOError.portal` for its other
    /// errors; throttling and server errors are tried again as AWS's SDKs do.
    func roleCredentials(accountID: String, roleName: String, accessToken: String, profile: String) async throws -> AWSCredentials {
        var components = URLComponents(url: endpoint.appendingPathComponent("federation/credentials"), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "account_id", value: accountID), URLQueryItem(name: "role_name", value: roleName)]
        guard let url = components?.url else {
            throw AWSTransportError.connectionFailed(endpoint: endpoint.absoluteString, reason: "cannot build the request's address")
        }
        let retry = client.configuration.retry
        var attempt = 1
        while true {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            request.headers.add(name: "x-amz-sso_bearer_token", value: accessToken)
            let (status, headers, bytes) = try await client.exchange(request, endpoint: url)
            if (200..<300).contains(status) {
                // Role credentials last minutes to hours: an expiry a day past or a year ahead is not an answer to use.
                let now = Date().timeIntervalSince1970 * 1000
                guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(bytes)),
                      (now - 86_400_000...now + 366 * 86_400_000).contains(answer.roleCredentials.expiration) else {
                    throw AWSTransportError.unreadableResponse(endpoint: endpoint.absoluteString, httpStatus: status,
                                                               reason: "not a GetRoleCredentials answer")
                }
                let credentials = answer.roleCredentials
                return AWSCredentials(accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                                      sessionToken: credentials.sessionToken,
                                      expiration: Date(timeIntervalSince1970: (credentials.expiration / 1000).rounded(.down)))
            }
            if status == 401 { throw SSOError.sessionExpired(profile: profile) }
            if (status == 429 || status >= 500) && attempt < retry.maxAttempts {
                try await Task.sleep(for: retry.delay(beforeRetry: attempt))
                attempt += 1
                continue
            }
            let message = (try? JSONDecoder().decode(ErrorAnswer.self, from: Data(bytes))).flatMap { $0.message ?? $0.Message } ?? ""
            let code = headers.first(name: "x-amzn-ErrorType").map { String($0.prefix { $0 != ":" }) } ?? "HTTP \(status)"
            throw SSOError.portal(code: PrintableText.of(code, limit: 100), message: PrintableText.of(message, limit: 500), httpStatus: status)
        }
    }
}
