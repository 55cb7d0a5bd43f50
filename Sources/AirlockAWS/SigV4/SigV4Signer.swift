import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4, in header form (`Authorization`) or presigned query form.
///
/// ```swift
/// let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
/// let signed = signer.signHeaders(request, date: Date())
/// ```
/// The date is a parameter so that tests can compare against fixed expected strings.
public struct SigV4Signer: Sendable {
    /// How a request is signed, as in AWS's signing test suite.
    public struct Options: Sendable {
        /// Remove `.`/`..` segments and empty segments from the path before signing (every service but S3).
        public var normalizePath: Bool
        /// Add and sign `X-Amz-Content-SHA256` with the body's hash.
        public var signBodyHeader: Bool
        /// Add the session token after signing instead of signing it (some services want it so).
        public var omitSessionToken: Bool

        public init(normalizePath: Bool = true, signBodyHeader: Bool = false, omitSessionToken: Bool = false) {
            self.normalizePath = normalizePath
            self.signBodyHeader = signBodyHeader
            self.omitSessionToken = omitSessionToken
        }
    }

    static let algorithm = "AWS4-HMAC-SHA256"

    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    public let options: Options
    private let keyCache: SigningKeyCache

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = Options()) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
        self.keyCache = SigningKeyCache(secretAccessKey: credentials.secretAccessKey, region: region, service: service)
    }

    /// Signs with the `Authorization` header; returns every header to send.
    public func signHeaders(_ request: SigV4Request, date: Date) -> SigV4Signature {
        let time = AWSTimestamp(date)
        let payloadHash = Self.sha256Hex(request.body)
        var headers = request.headers
        headers.append(.init("X-Amz-Date", time.basicDateTime))
        if let token = credentials.sessionToken, !options.omitSessionToken {
            headers.append(.init("X-Amz-Security-Token", token))
        }
        if options.signBodyHeader {
            headers.append(.init("X-Amz-Content-SHA256", payloadHash))
        }
        let canonicalHeaders = CanonicalHeaders(headers)
        let canonicalRequest = canonicalRequest(
            request, query: request.query, headers: canonicalHeaders, payloadHash: payloadHash
        )
        let (stringToSign, signature) = sign(canonicalRequest, time: time)
        headers.append(.init(
            "Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(time)), SignedHeaders=\(canonicalHeaders.signedNames), Signature=\(signature)"
        ))
        if let token = credentials.sessionToken, options.omitSessionToken {
            headers.append(.init("X-Amz-Security-Token", token))
        }
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            headers: headers, query: request.query
        )
    }

    /// Signs in the query string (a presigned URL valid for `expires` seconds); returns every query item to send.
    public func presign(_ request: SigV4Request, expires: Int, date: Date) -> SigV4Signature {
        let time = AWSTimestamp(date)
        let canonicalHeaders = CanonicalHeaders(request.headers)
        var query = request.query
        query.append(.init("X-Amz-Algorithm", Self.algorithm))
        query.append(.init("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(time))"))
        query.append(.init("X-Amz-Date", time.basicDateTime))
        query.append(.init("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken, !options.omitSessionToken {
            query.append(.init("X-Amz-Security-Token", token))
        }
        query.append(.init("X-Amz-SignedHeaders", canonicalHeaders.signedNames))
        let canonicalRequest = canonicalRequest(
            request, query: query, headers: canonicalHeaders, payloadHash: Self.sha256Hex(request.body)
        )
        let (stringToSign, signature) = sign(canonicalRequest, time: time)
        query.append(.init("X-Amz-Signature", signature))
        if let token = credentials.sessionToken, options.omitSessionToken {
            query.append(.init("X-Amz-Security-Token", token))
        }
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            headers: request.headers, query: query
        )
    }

    func scope(_ time: AWSTimestamp) -> String {
        "\(time.basic)/\(region)/\(service)/aws4_request"
    }

    func sign(_ canonicalRequest: String, time: AWSTimestamp) -> (stringToSign: String, signature: String) {
        let stringToSign = Self.algorithm + "\n" + time.basicDateTime + "\n" + scope(time) + "\n"
            + Self.sha256Hex(Array(canonicalRequest.utf8))
        let key = keyCache.key(forDay: time.basic)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return (stringToSign, Hex.encode(mac))
    }

    static let emptyPayloadHash = Hex.encode(SHA256.hash(data: [UInt8]()))

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.isEmpty ? emptyPayloadHash : Hex.encode(SHA256.hash(data: bytes))
    }
}
