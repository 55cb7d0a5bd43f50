import Foundation
import Vapor

/// A JSON:API resource as the TFE API answers it.
struct TFEResource: Encodable, Sendable {
    let type: String
    let id: String
    var attributes: [String: JSONValue] = [:]
    var relationships: [String: JSONValue]?
    var links: [String: JSONValue]?
}

/// JSON:API documents (`{"data": ...}`) with TFE's media type and version header.
enum TFEDocument {
    static let mediaType = HTTPMediaType(type: "application", subType: "vnd.api+json")

    private struct One: Encodable { let data: TFEResource }
    private struct Many: Encodable { let data: [TFEResource] }

    static func response(_ resource: TFEResource, status: HTTPResponseStatus = .ok) throws -> Response {
        try encoded(One(data: resource), status: status)
    }

    static func response(_ resources: [TFEResource]) throws -> Response {
        try encoded(Many(data: resources), status: .ok)
    }

    private struct Page: Encodable {
        struct Meta: Encodable {
            let pagination: [String: JSONValue]
        }
        let data: [TFEResource]
        let meta: Meta
    }

    /// One page of a list of `totalCount` items, with the pagination go-tfe reads.
    static func page(_ resources: [TFEResource], _ page: TFEPage, totalCount: Int) throws -> Response {
        try encoded(Page(data: resources, meta: .init(pagination: page.pagination(totalCount: totalCount))), status: .ok)
    }

    /// A request's JSON:API body (sent as `application/vnd.api+json`).
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request) throws -> Body {
        try JSONDecoder().decode(type, from: Data((request.body.data ?? ByteBuffer()).readableBytesView))
    }

    static func encoded(_ value: some Encodable, status: HTTPResponseStatus) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = mediaType
        return response
    }
}
