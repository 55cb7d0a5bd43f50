import Foundation
import Vapor

/// The current state's root outputs as TFE state version outputs (what `terraform output` reads), straight
/// from the state Terraform wrote: values and types are passed through as JSON. As in TFE, the list leaves
/// sensitive values out (`value` null); `terraform output` reads each one by its id (`one`), which whoever
/// may read the state may do: they could read the value in the state itself.
enum TFEStateOutputs {
    /// Every output, sensitive values redacted.
    static func response(state: Data, versionID: String) throws -> Response {
        let outputs = try Self.outputs(in: state)
        let resources = outputs.keys.sorted().map { name in Self.resource(name, outputs[name] as? [String: Any] ?? [:], versionID: versionID, reveal: false) }
        return try encoded(["data": resources])
    }

    /// One output with its value, sensitive or not; nil when the state has no output of that name.
    static func one(_ name: String, state: Data, versionID: String) throws -> Response? {
        guard let output = try Self.outputs(in: state)[name] as? [String: Any] else { return nil }
        return try encoded(["data": Self.resource(name, output, versionID: versionID, reveal: true)])
    }

    /// The output id TFE's clients read one output by: `wsout-<state version's UUID>-<name>`.
    static func id(_ name: String, versionID: String) -> String { "wsout-\(versionID.dropFirst(3))-\(name)" }

    /// The state version (`sv-<UUID>`) and the output name an output id names.
    static func parse(_ id: String) -> (versionID: String, name: String)? {
        guard id.hasPrefix("wsout-"), id.count > 6 + 36 + 1 else { return nil }
        let rest = id.dropFirst(6)
        let uuid = rest.prefix(36)
        guard UUID(uuidString: String(uuid)) != nil, rest.dropFirst(36).first == "-" else { return nil }
        return ("sv-" + uuid, String(rest.dropFirst(37)))
    }

    private static func outputs(in state: Data) throws -> [String: Any] {
        ((try JSONSerialization.jsonObject(with: state) as? [String: Any])?["outputs"] as? [String: Any]) ?? [:]
    }

    private static func resource(_ name: String, _ output: [String: Any], versionID: String, reveal: Bool) -> [String: Any] {
        let sensitive = output["sensitive"] as? Bool ?? false
        return [
            "type": "state-version-outputs",
            "id": id(name, versionID: versionID),
            "attributes": [
                "name": name,
                "sensitive": sensitive,
                "type": Self.simpleType(output["type"]),
                "detailed-type": output["type"] ?? NSNull(),
                "value": sensitive && !reveal ? NSNull() : output["value"] ?? NSNull(),
            ] as [String: Any],
        ]
    }

    private static func encoded(_ document: [String: Any]) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
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
