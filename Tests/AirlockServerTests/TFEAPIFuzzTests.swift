@testable import AirlockServer
import AirlockServerTesting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A fuzzer over the TFE API in-process: seeded random requests to every route under `/api/v2/` (read from
/// the app's routes, so a new one is covered the day it is added), with real and mangled ids, hostile query
/// numbers and mutated JSON:API bodies, as anonymous, another organization, a member and an owner. A trap
/// ends the test process (the suite fails); a 5xx fails the test with the seed and the request.
///
/// `AIRLOCK_FUZZ_ITERATIONS` (default 1500: seconds in CI) and `AIRLOCK_FUZZ_SEED` (default: random,
/// printed on failure) make a longer or a repeated run.
@Suite struct TFEAPIFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_ITERATIONS"] ?? "") ?? 1500

    /// The reproduction of the review's crash: one's own log URL with a limit near `Int.max`.
    @Test func aLogSliceNearTheLargestNumberIsAnsweredNotATrap() async throws {
        try await ServerFixture.with { fixture in
            let world = try await FuzzWorld.make(fixture)
            for query in ["offset=1&limit=9223372036854775807", "offset=9223372036854775807&limit=9223372036854775807",
                          "offset=-9223372036854775808&limit=-1", "offset=2&limit=1", "limit=99999999999999999999"] {
                let response = try await fixture.app.testing().sendRequest(.GET, "/api/v2/plan-logs/\(world.planLogToken)?\(query)")
                #expect(response.status == .ok, "\(query): \(response.body.string)")
            }
            let tail = try await fixture.app.testing().sendRequest(.GET, "/api/v2/plan-logs/\(world.planLogToken)?offset=1&limit=9223372036854775807")
            let whole = try await fixture.app.testing().sendRequest(.GET, "/api/v2/plan-logs/\(world.planLogToken)")
            #expect(Array(tail.body.readableBytesView) == Array(whole.body.readableBytesView.dropFirst()), "the rest of the log from byte 1")
        }
    }

    /// Every route, with real ids as the owner, takes every pair of edge numbers in the query parameters TFE's
    /// clients page and slice with: the sweep that finds an overflow the random requests below may miss.
    @Test func everyRouteTakesTheEdgesOfEveryNumber() async throws {
        let edges = ["0", "1", "-1", "9223372036854775807", "9223372036854775806", "-9223372036854775808", "9223372036854775808"]
        try await ServerFixture.with { fixture in
            let world = try await FuzzWorld.make(fixture)
            var random = SeededRandom(seed: 1)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: try #require(fixture.tokens["olivia"]))
            for route in Self.routes(of: fixture.app) where route.method == .GET {
                let path = "/" + route.path.map { world.realValue(for: $0, in: route, using: &random) }.joined(separator: "/")
                for first in edges {
                    for second in edges {
                        let query = "?offset=\(first)&limit=\(second)&page%5Bnumber%5D=\(first)&page%5Bsize%5D=\(second)"
                        let response = try await fixture.app.testing().sendRequest(.GET, path + query, headers: headers)
                        #expect(response.status.code < 500, "\(path + query): \(response.status) \(response.body.string)")
                    }
                }
            }
        }
    }

    /// The TFE API's routes (the catch-all that names unknown paths aside).
    static func routes(of app: Application) -> [Route] {
        app.routes.all.filter { route in
            route.path.count > 2 && route.path[0] == "api" && route.path[1] == "v2" && !route.path.contains(.catchall)
        }
    }

    @Test func noRequestCrashesTheServerOrAnswersAServerError() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        try await ServerFixture.with { fixture in
            let world = try await FuzzWorld.make(fixture)
            let routes = Self.routes(of: fixture.app)
            try #require(routes.count >= 25, "the TFE routes: \(routes.count)")
            var random = SeededRandom(seed: seed)
            for iteration in 0..<Self.iterations {
                let route = routes[Int(random.next() % UInt64(routes.count))]
                let path = "/" + route.path.map { world.value(for: $0, in: route, using: &random) }.joined(separator: "/")
                    + world.query(using: &random)
                let body = [.POST, .PUT, .PATCH].contains(route.method) ? world.body(for: route, using: &random) : nil
                var headers = HTTPHeaders()
                let caller = ["olivia", "mario", "otto", nil][Int(random.next() % 4)]
                if let caller, let token = fixture.tokens[caller] { headers.bearerAuthorization = BearerAuthorization(token: token) }
                if body != nil { headers.contentType = TFEDocument.mediaType }
                let response = try await fixture.app.testing().sendRequest(route.method, path, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
                #expect(response.status.code < 500,
                        "seed \(seed), request \(iteration): \(route.method) \(path) as \(caller ?? "anonymous") with \(body.map { String(decoding: $0, as: UTF8.self) } ?? "no body"): \(response.status) \(response.body.string)")
            }
        }
    }
}

/// What the fuzzer aims at: real ids of acme's environment, a run of it and its upload, and log URLs.
private struct FuzzWorld {
    let workspace: String
    let run: String
    let configurationVersion: String
    let planLogToken: String
    let applyLogToken: String
    let uploadToken: String

    static func make(_ fixture: ServerFixture) async throws -> FuzzWorld {
        let environment = try await fixture.environment()
        let run = try await fixture.run(on: environment, reaching: .planned)
        let runID = try run.requireID()
        try await RunLogChunk(runID: runID, phase: .plan, sequence: 0, text: "Plan: 1 to add, 0 to change, 0 to destroy.\n").save(on: fixture.app.db)
        let upload = TFEConfigurationUpload(environmentID: try environment.requireID(), userID: try await fixture.user("mario").requireID(),
                                            speculative: false, at: fixture.clock.now)
        try await upload.save(on: fixture.app.db)
        let (secrets, now, mario) = (fixture.app.secretBox, fixture.clock.now, try await fixture.user("mario").requireID())
        return FuzzWorld(workspace: try TFEWorkspace.id(of: environment), run: TFEID.make("run", runID),
                         configurationVersion: TFEID.make("cv", try upload.requireID()),
                         planLogToken: TFECapability.token(.planLog, id: runID, holder: mario, now: now, secrets: secrets),
                         applyLogToken: TFECapability.token(.applyLog, id: runID, holder: mario, now: now, secrets: secrets),
                         uploadToken: TFECapability.token(.upload, id: try upload.requireID(), now: now, secrets: secrets))
    }

    /// Numbers and text that have broken parsers: the edges of Int64, beyond them, signs, exponents, and junk.
    static let hostileValues = ["0", "-1", "1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                                "99999999999999999999999", "1e309", "-0", "NaN", "0x10", "", "%00", "%FF%FE", "a%20b", "[]", "{}",
                                String(repeating: "9", count: 400), "%E2%80%AE", "true", "null"]

    /// A path component: the route's constant, or for a parameter a real id (most often) or a mangled one.
    func value(for component: PathComponent, in route: Route, using random: inout SeededRandom) -> String {
        guard case .parameter = component else { return component.description }
        let real = realValue(for: component, in: route, using: &random)
        switch random.next() % 6 {
        case 0:
            let hostile = Self.hostileValues[Int(random.next() % UInt64(Self.hostileValues.count))]
            return hostile.isEmpty ? "x" : hostile
        case 1: return String(real.dropLast(Int(random.next() % 8)))
        case 2: return real + ".%2e%2e"
        default: return real
        }
    }

    /// A path component with a parameter filled in with a real id (of the kind the route takes, mostly).
    func realValue(for component: PathComponent, in route: Route, using random: inout SeededRandom) -> String {
        guard case let .parameter(name) = component else { return component.description }
        let token = switch route.path[2].description {
        case "plan-logs": planLogToken
        case "apply-logs": applyLogToken
        default: uploadToken
        }
        let real = switch name {
        case "organization": ["acme", "other"][Int(random.next() % 2)]
        case "workspace": random.next() % 2 == 0 ? workspace : "prod"
        case "run", "plan", "apply": run.replacingOccurrences(of: "run-", with: name + "-")
        case "version": random.next() % 2 == 0 ? configurationVersion : "sv-" + run.dropFirst(4)
        case "token": random.next() % 4 == 0 ? [planLogToken, applyLogToken, uploadToken][Int(random.next() % 3)] : token
        default: "x"
        }
        return real
    }

    /// Zero to four query items with the names TFE's clients send and hostile values.
    func query(using random: inout SeededRandom) -> String {
        let names = ["offset", "limit", "page[number]", "page[size]", "include", "filter[status]", "search[name]", "q", "offset", "limit"]
        let count = Int(random.next() % 5)
        guard count > 0 else { return "" }
        let items = (0..<count).map { _ in
            let name = names[Int(random.next() % UInt64(names.count))]
            let value = switch random.next() % 4 {
            case 0: String(Int64(bitPattern: random.next()))
            case 1: String(random.next() % 100)
            default: Self.hostileValues[Int(random.next() % UInt64(Self.hostileValues.count))]
            }
            return "\(name)=\(value)"
        }
        return "?" + items.joined(separator: "&")
    }

    /// A JSON:API document for the route, mutated: values of the wrong type or out of range, keys dropped,
    /// deep nesting, or bytes that are not JSON at all.
    func body(for route: Route, using random: inout SeededRandom) -> [UInt8] {
        let path = route.path.map(\.description).joined(separator: "/")
        let valid: [String: Any] = if path.hasSuffix("runs") {
            ["data": ["attributes": ["message": "m", "is-destroy": false, "plan-only": true, "auto-apply": false],
                      "relationships": ["workspace": ["data": ["id": workspace]], "configuration-version": ["data": ["id": configurationVersion]]]]]
        } else if path.hasSuffix("state-versions") {
            ["data": ["attributes": ["serial": 1, "md5": String(repeating: "0", count: 32), "lineage": "l-1",
                                     "state": Data(#"{"version":4,"serial":1,"lineage":"l-1","outputs":{},"resources":[]}"#.utf8).base64EncodedString()]]]
        } else if path.hasSuffix("workspaces") {
            ["data": ["type": "workspaces", "attributes": ["name": "fuzz"]]]
        } else if path.hasSuffix("configuration-versions") {
            ["data": ["type": "configuration-versions", "attributes": ["speculative": true]]]
        } else {
            ["reason": "fuzz"]
        }
        switch random.next() % 8 {
        case 0: return (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 1: return Array(String(repeating: "[", count: 5000).utf8)
        case 2:
            let text = Self.serialize(valid)
            return Array(text.prefix(Int(random.next() % UInt64(max(1, text.count)))).utf8)
        default: return Array(Self.serialize(Self.mutate(valid, using: &random)).utf8)
        }
    }

    static func mutate(_ value: Any, using random: inout SeededRandom) -> Any {
        if let object = value as? [String: Any] {
            var mutated: [String: Any] = [:]
            for (key, inner) in object where random.next() % 10 != 0 { mutated[key] = mutate(inner, using: &random) }
            return mutated
        }
        guard random.next() % 3 == 0 else { return value }
        let replacements: [Any] = [NSNull(), Int64.max, Int64.min, -1, 1.0e308, "", String(repeating: "x", count: 10_000), [Any](),
                                   ["data": NSNull()], true, "\u{0}", "../../etc/passwd", 9.9e-324]
        return replacements[Int(random.next() % UInt64(replacements.count))]
    }

    static func serialize(_ value: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// SplitMix64: a seeded generator, so a failing run is repeated by its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
