import Foundation
import Vapor

/// No field of the API is nullable: a JSON body with `null` anywhere is refused (400 `invalid_body`)
/// rather than read as if the field were absent. (The generated decoders accept `null` for an optional
/// field; the OpenAPI document says the field is a string, or a boolean, and not null.)
enum JSONNullGuard {
    static func check(_ body: [UInt8], contentType: String?) throws {
        guard let contentType, contentType.lowercased().hasPrefix("application/json"), !body.isEmpty,
              let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return }
        if let path = nullPath(in: value, at: "") {
            throw APIError(status: .badRequest, code: "invalid_body",
                           reason: "\(path.isEmpty ? "The body" : "\"\(path)\"") is null; leave a field out instead of sending null.")
        }
    }

    private static func nullPath(in value: Any, at path: String) -> String? {
        switch value {
        case is NSNull: return path
        case let object as [String: Any]:
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let found = nullPath(in: member, at: path.isEmpty ? key : path + "." + key) { return found }
            }
        case let array as [Any]:
            for (index, member) in array.enumerated() {
                if let found = nullPath(in: member, at: "\(path)[\(index)]") { return found }
            }
        default: break
        }
        return nil
    }
}
