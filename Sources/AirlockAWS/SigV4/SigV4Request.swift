/// An HTTP request as SigV4 sees it.
///
/// `path` and query items are given decoded (`/example space/`, `ሴ`): the signer percent-encodes them
/// as SigV4 requires.
public struct SigV4Request: Sendable {
    /// One HTTP header as sent; repeated names are allowed and signed in order.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One query parameter, decoded.
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var path: String
    public var query: [QueryItem]
    public var headers: [Header]
    public var body: [UInt8]

    public init(method: String, path: String = "/", query: [QueryItem] = [], headers: [Header], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
