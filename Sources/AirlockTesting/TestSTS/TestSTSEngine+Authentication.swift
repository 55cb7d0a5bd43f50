import AirlockAWS
import Foundation

extension TestSTSEngine {
    /// Verifies the request's SigV4 `Authorization` header against the key it names, as AWS does:
    /// unknown keys, wrong signatures, stale dates, missing or wrong session tokens and expired sessions
    /// are refused with AWS's codes and messages.
    func authenticate(_ request: TestSTSRequest, parameters: [String: String]) throws(STSError) -> TestSTSCaller {
        guard let authorization = request.header("Authorization"), let amzDate = request.header("X-Amz-Date") else {
            throw .missingAuthentication
        }
        let parts = Self.authorizationParts(authorization)
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 "), let credential = parts["Credential"],
              let signedHeaders = parts["SignedHeaders"], let signature = parts["Signature"] else {
            throw STSError(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[3] == "sts", scope[4] == "aws4_request" else {
            throw STSError(400, "IncompleteSignature", "Credential should be scoped to a valid region and to the service 'sts'.")
        }
        let keyID = scope[0]
        let caller: TestSTSCaller
        let credentials: AWSCredentials
        if let user = directory.users.first(where: { $0.accessKeyID == keyID }) {
            caller = .user(user)
            credentials = user.credentials
        } else if let session = sessions[keyID] {
            guard request.header("X-Amz-Security-Token") == session.credentials.sessionToken else { throw .invalidToken }
            guard session.expiration > now else { throw .expiredToken }
            caller = .session(session)
            credentials = session.credentials
        } else {
            throw .invalidToken
        }
        guard let date = Self.parseAmzDate(amzDate) else {
            throw STSError(400, "IncompleteSignature", "Date must be in ISO-8601 'basic format'. Got '\(amzDate)'.")
        }
        if abs(date.timeIntervalSince(now)) > 15 * 60 {
            throw STSError(403, "SignatureDoesNotMatch", "Signature expired: \(amzDate) is now earlier or later than the allowed 15 minutes around the server time.")
        }
        let names = Set(signedHeaders.split(separator: ";").map(String.init))
        guard names.contains("host") else { throw .signatureMismatch }
        let headers = request.headers
            .filter { names.contains($0.name.lowercased()) && !["x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
            .map { SigV4Request.Header($0.name, $0.value) }
        let query = request.query.split(separator: "&").map { pair -> SigV4Request.QueryItem in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return .init(FormDecoding.decode(String(halves[0])), halves.count > 1 ? FormDecoding.decode(String(halves[1])) : "")
        }
        let signer = SigV4Signer(
            credentials: names.contains("x-amz-security-token") ? credentials
                : AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey),
            region: scope[2], service: "sts"
        )
        let expected = signer.signHeaders(
            SigV4Request(method: request.method, path: request.path, query: query, headers: headers, body: request.body),
            date: date
        )
        guard expected.signature == signature else { throw .signatureMismatch }
        return caller
    }

    /// `Credential=..., SignedHeaders=..., Signature=...` as a dictionary.
    static func authorizationParts(_ header: String) -> [String: String] {
        var parts: [String: String] = [:]
        let afterAlgorithm = header.drop { $0 != " " }
        for item in afterAlgorithm.split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[String(pair[0])] = String(pair[1]) }
        }
        return parts
    }

    /// `20150830T123600Z`
    static func parseAmzDate(_ text: String) -> Date? {
        guard text.count == 16 else { return nil }
        let iso = "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.dropFirst(6).prefix(2))T\(text.dropFirst(9).prefix(2)):\(text.dropFirst(11).prefix(2)):\(text.dropFirst(13).prefix(2))Z"
        return ISO8601Timestamp.parse(iso)
    }
}
