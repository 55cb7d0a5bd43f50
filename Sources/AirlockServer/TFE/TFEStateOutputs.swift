import Foundation
import Vapor

/// The current state's root outputs as TFE state version outputs (what `terraform output` reads), straight
/// from the state Terraform wrote: values and types are passed through as JSON.
enum TFEStateOutputs {
    static func response(state: Data, versionID: String) throws -> Response {
        let outputs = ((try JSONSerialization.jsonObject(with: state) as? [String: Any])?["outputs"] as? [String: Any]) ?? [:]
        let resources: [[String: Any]] = outputs.keys.sorted().map { name in
            let output = outputs[name] as? [String: Any] ?? [:]
            let sensitive = output["sensitive"] as? Bool ?? false
            return [
                "type": "state-version-outputs",
                "id": "wsout-\(versionID.dropFirst(3))-\(name)",
                "attributes": [
                    "name": name,
                    "sensitive": sensitive,
                    "type": Self.simpleType(output["type"]),
                    "detailed-type": output["type"] ?? NSNull(),
                    "value": output["value"] ?? NSNull(),
                ] as [String: Any],
            ]
        }
        let body = try JSONSerialization.data(withJSONObject: ["data": resources], options: [.sortedKeys, .withoutEscapingSlashes])
        let response = Response(status: .ok, body: .init(data: body))
        response.headers.contentType = TFEDocument.mediaType
        return response
    }

    /// TFE's one-word type: the primitive, or the kind of a collection type (`["list","string"]` is "array").
    private static func simpleType(_ type: Any?) -> String {
        if let primitive = type as? String { return primitive }
        switch (type as? [Any])?.first as? String {
        case "list", "set", "tuple": return "array"
        case "map", "object": return "object"
        default: return "string"
        }
    }
}
