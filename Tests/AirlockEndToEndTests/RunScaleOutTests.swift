import AirlockTesting
import Foundation
import Testing

/// Two `airlock serve` processes on one PostgreSQL share the queue: every run executes exactly once, and
/// runs of one environment in order. (PostgreSQL only: that is what several servers share.)
@Suite struct RunScaleOutTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["AIRLOCK_TEST_POSTGRES_URL"] != nil, "needs AIRLOCK_TEST_POSTGRES_URL"))
    func twoServersShareTheQueueWithoutRunningAnythingTwice() async throws {
        try await RunWorld.with(serveArguments: RunWorld.fast + ["--concurrency", "2"]) { world in
            let (second, secondBase) = try await world.startAnotherServer(RunWorld.fast + ["--concurrency", "2"])
            do {
                let environments = ["prod", "e1", "e2", "e3"]
                let archive = try await TerraformConfiguration.archive(["main.tf": "locals { a = 1 }\n"])
                for environment in environments {
                    if environment != "prod" {
                        #expect(try await world.call("POST", "/organizations/acme/environments", json: #"{"name":"\#(environment)"}"#).status == 201)
                    }
                    #expect(try await world.upload(archive, to: environment).status == 201)
                }
                var runs: [(String, String)] = []
                for index in 0..<24 {
                    let environment = environments[index % environments.count]
                    runs.append((environment, try await world.queue(environment, message: "run \(index)", on: index % 2 == 0 ? nil : secondBase)))
                }
                var workers = Set<String>()
                var started: [String: [(Int, Double)]] = [:]
                for (environment, run) in runs {
                    try await world.expect(run, reaches: "planned_and_finished")
                    let details = try await world.run(run)
                    let events = details["events"] as? [[String: Any]] ?? []
                    let planning = events.filter { $0["to"] as? String == "planning" }
                    #expect(planning.count == 1, "run \(run) started \(planning.count) times")
                    if let note = planning.first?["note"] as? String { workers.insert(String(note.split(separator: " ").last ?? "")) }
                    let at = ISO8601DateFormatter().date(from: planning.first?["at"] as? String ?? "")?.timeIntervalSince1970 ?? 0
                    started[environment, default: []].append((details["number"] as? Int ?? 0, at))
                }
                #expect(workers.count >= 2, "both servers' workers took runs: \(workers)")
                for (environment, list) in started {
                    let byNumber = list.sorted { $0.0 < $1.0 }.map(\.1)
                    #expect(byNumber == byNumber.sorted(), "\(environment) ran in queue order")
                }
            } catch {
                _ = await second.stop()
                throw error
            }
            #expect(await second.stop() == 0)
        }
    }
}
