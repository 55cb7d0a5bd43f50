/// The result of signing: what to send, and the intermediate strings SigV4 defines
/// (kept so that tests can compare them with AWS's suite and errors can explain a mismatch).
public struct SigV4Signature: Sendable {
    let canonicalRequestBytes: [UInt8]
    let stringToSignBytes: [UInt8]
    /// Lowercase hex HMAC-SHA256 of `stringToSign`.
    public let signature: String
    /// Every header to send: the request's own, the added `X-Amz-*` ones and, in header form, `Authorization`.
    public let headers: [SigV4Request.Header]
    /// Every query parameter to send: in presigned form, including `X-Amz-Signature`.
    public let query: [SigV4Request.QueryItem]

    public var canonicalRequest: String { String(decoding: canonicalRequestBytes, as: UTF8.self) }
    public var stringToSign: String { String(decoding: stringToSignBytes, as: UTF8.self) }

    /// The value of the first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
