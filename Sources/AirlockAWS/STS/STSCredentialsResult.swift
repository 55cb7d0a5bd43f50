import Foundation

/// The `Credentials` element of an STS answer (`GetSessionTokenResult`, `AssumeRoleResult`), read from its XML.
enum STSCredentialsResult {
    /// The credentials under `result`; an answer without all four fields, or with an unreadable expiration,
    /// is an unreadable response from `endpoint`.
    static func credentials(in xml: XMLTree, result: String, endpoint: URL) throws -> AWSCredentials {
        guard let node = xml.at(result, "Credentials"),
              let keyID = node.text("AccessKeyId"), let secret = node.text("SecretAccessKey"),
              let token = node.text("SessionToken"), let expiration = node.text("Expiration") else {
            throw AWSTransportError.unreadableResponse(
                endpoint: endpoint.absoluteString, httpStatus: 200, reason: "\(result) lacks Credentials"
            )
        }
        guard let date = ISO8601Timestamp.parse(expiration) else {
            throw AWSTransportError.unreadableResponse(
                endpoint: endpoint.absoluteString, httpStatus: 200, reason: "unreadable Expiration \(expiration)"
            )
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: date)
    }
}
