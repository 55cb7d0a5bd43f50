import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4, in header form (`Authorization`) or presigned query form.
///
/// ```swift
/// let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
/// let signed = signer.signHeaders(request, date: Date())
/// ```
/// The date is a parameter so that tests can compare against fixed expected strings. A signer derives its
/// signing key once a day; keep one per credentials, region and service to sign many requests.
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
    /// `/<region>/<service>/aws4_request`, the credential scope after its date.
    private let scopeSuffix: String

    public init(credentials: AWSCredentials, region: String, service: String, options: Options = Options()) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
        self.keyCache = SigningKeyCache(secretAccessKey: credentials.secretAccessKey, region: region, service: service)
        self.scopeSuffix = "/\(region)/\(service)/aws4_request"
    }

    /// Signs with the `Authorization` header; returns every header to send.
    public func signHeaders(_ request: SigV4Request, date: Date) -> SigV4Signature {
        let time = AWSTimestamp(date)
        let amzDate = time.basicDateTime
        let payloadHash = Self.sha256Hex(request.body)
        var headers = request.headers
        headers.reserveCapacity(headers.count + 4)
        headers.append(.init("X-Amz-Date", amzDate))
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
        let (stringToSign, signature) = sign(canonicalRequest, time: time, amzDate: amzDate)
        var authorization = "AWS4-HMAC-SHA256 Credential="
        authorization.reserveCapacity(200)
        authorization += credentials.accessKeyID
        authorization += "/"
        authorization += time.basic
        authorization += scopeSuffix
        authorization += ", SignedHeaders="
        authorization += canonicalHeaders.signedNames
        authorization += ", Signature="
        authorization += signature
        headers.append(.init("Authorization", authorization))
        if let token = credentials.sessionToken, options.omitSessionToken {
            headers.append(.init("X-Amz-Security-Token", token))
        }
        return SigV4Signature(
            canonicalRequestBytes: canonicalRequest, stringToSignBytes: stringToSign, signature: signature,
            headers: headers, query: request.query
        )
    }

    /// Signs in the query string (a presigned URL valid for `expires` seconds); returns every query item to send.
    public func presign(_ request: SigV4Request, expires: Int, date: Date) -> SigV4Signature {
        let time = AWSTimestamp(date)
        let amzDate = time.basicDateTime
        let canonicalHeaders = CanonicalHeaders(request.headers)
        var query = request.query
        query.append(.init("X-Amz-Algorithm", Self.algorithm))
        query.append(.init("X-Amz-Credential", credentials.accessKeyID + "/" + time.basic + scopeSuffix))
        query.append(.init("X-Amz-Date", amzDate))
        query.append(.init("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken, !options.omitSessionToken {
            query.append(.init("X-Amz-Security-Token", token))
        }
        query.append(.init("X-Amz-SignedHeaders", canonicalHeaders.signedNames))
        let canonicalRequest = canonicalRequest(
            request, query: query, headers: canonicalHeaders, payloadHash: Self.sha256Hex(request.body)
        )
        let (stringToSign, signature) = sign(canonicalRequest, time: time, amzDate: amzDate)
        query.append(.init("X-Amz-Signature", signature))
        if let token = credentials.sessionToken, options.omitSessionToken {
            query.append(.init("X-Amz-Security-Token", token))
        }
        return SigV4Signature(
            canonicalRequestBytes: canonicalRequest, stringToSignBytes: stringToSign, signature: signature,
            headers: request.headers, query: query
        )
    }

    /// The string to sign (algorithm, date, scope, hash of the canonical request) and its HMAC signature.
    func sign(_ canonicalRequest: [UInt8], time: AWSTimestamp, amzDate: String) -> (stringToSign: [UInt8], signature: String) {
        let day = time.basic
        var stringToSign: [UInt8] = []
        stringToSign.reserveCapacity(160)
        stringToSign.append(contentsOf: Self.algorithm.utf8)
        stringToSign.append(0x0A)
        stringToSign.append(contentsOf: amzDate.utf8)
        stringToSign.append(0x0A)
        stringToSign.append(contentsOf: day.utf8)
        stringToSign.append(contentsOf: scopeSuffix.utf8)
        stringToSign.append(0x0A)
        Hex.append(Self.sha256(canonicalRequest), to: &stringToSign)
        let signature = stringToSign.withUnsafeBytes { keyCache.key(forDay: day).signature(of: $0) }
        return (stringToSign, signature)
    }

    /// SHA-256 through the buffer-pointer API, which skips `DataProtocol`'s generic walk over regions.
    static func sha256(_ bytes: [UInt8]) -> SHA256.Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    static let emptyPayloadHash = Hex.encode(SHA256.hash(data: [UInt8]()))

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.isEmpty ? emptyPayloadHash : Hex.encode(sha256(bytes))
    }
}
