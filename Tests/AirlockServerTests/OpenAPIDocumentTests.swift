@testable import AirlockServer
import AirlockServerTesting
import AirlockTesting
import Foundation
import Testing
import Vapor

/// The OpenAPI document in `Sources/AirlockServer/openapi.yaml` is valid and names exactly the API's routes.
@Suite struct OpenAPIDocumentTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/AirlockServer/openapi.yaml")

    @Test func theDocumentIsValidOpenAPI() async throws {
        let check = "from openapi_spec_validator import validate; import yaml, sys; validate(yaml.safe_load(open(sys.argv[1]))); print('valid')"
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", check, Self.document.path],
                                                 environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        #expect(result.stdout == "valid\n", "\(result.stderr)")
    }

    @Test func theDocumentStatesTheServersRulesForKeysAndRoles() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let organizationKey = VariableRules.keyPattern()
        let environmentKey = VariableRules.keyPattern(excluding: Array(AWSAccess.withheldVariables))
        #expect(text.contains("pattern: \"\(organizationKey)\""))
        #expect(text.contains("pattern: \"\(environmentKey)\""))
        let role = "^(" + EnvironmentSettings.roleARNPattern.dropFirst().dropLast() + ")?$"
        #expect(text.components(separatedBy: "pattern: \"\(role)\"").count == 3, "both role fields state \(role)")
    }

    @Test func everyAPIRouteIsDocumentedAndNothingElse() async throws {
        // setup: the real app, in-process
        let routes = try await ServerFixture.routes { app in
            Set(app.routes.all.compactMap { route -> String? in
                let path = route.path.map { component -> String in
                    let text = component.description
                    return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                }
                guard path.starts(with: ["api", "v1"]) else { return nil }
                return "\(route.method.rawValue) /" + path.dropFirst(2).joined(separator: "/")
            })
        }
        // act: the operations the document declares
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        var documented: Set<String> = []
        var currentPath: String?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") { currentPath = String(line.dropFirst(2).dropLast()) }
            else if !line.hasPrefix("  ") { currentPath = nil }
            for method in ["get", "put", "post", "delete", "patch"] where line == "    \(method):" {
                if let currentPath { documented.insert("\(method.uppercased()) \(currentPath)") }
            }
        }
        // check
        #expect(routes == documented, "undocumented: \(routes.subtracting(documented)); not served: \(documented.subtracting(routes))")
        #expect(documented.count == text.components(separatedBy: "operationId:").count - 1, "every operation was read")
    }
}
