import AirlockAWS
import AirlockTesting
import Foundation

// Times `airlock whoami --profile role-with-mfa` with a warm role session cache against
// `aws sts get-caller-identity --profile role-with-mfa` on the same cache and the same test STS, in one run,
// and prints the medians and their ratio (goal: airlock at least 25x faster).
// Usage: airlock-cli-benchmark PATH-TO-RELEASE-AIRLOCK [RUNS]

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: airlock-cli-benchmark PATH-TO-AIRLOCK [RUNS]\n".utf8))
    exit(64)
}
let airlock = arguments[1]
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 15 : 15

let directory = TestSTSDirectory.reference(accountID: "128716708097")
let anika = directory.users[0]
let sts = try await TestSTS.start(directory: directory)
let home = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
try """
    [profile role-with-mfa]
    region = us-west-2
    role_arn = \(directory.roles[0].arn)
    source_profile = cli-user
    mfa_serial = \(anika.mfaSerial!)
    """.write(to: home.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
try """
    [cli-user]
    aws_access_key_id = \(anika.accessKeyID)
    aws_secret_access_key = \(anika.secretAccessKey)
    """.write(to: home.appendingPathComponent(".aws/credentials"), atomically: true, encoding: .utf8)
let environment = [
    "HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
    "AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString, "LANG": "C.UTF-8",
]

func timed(_ executable: String, _ commandArguments: [String]) async throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [executable] + commandArguments, environment: environment)
    let elapsed = clock.now - start
    guard result.status == 0 else {
        throw TestServerError.didNotStart(executable, output: result.stderrText)
    }
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

// Warm the shared cache once, with a real code.
let code = await sts.engine.currentCode(forUser: "anika") ?? ""
_ = try await timed(airlock, ["whoami", "--profile", "role-with-mfa", "--mfa-code", code])

var ours: [Double] = []
var theirs: [Double] = []
for _ in 0..<runs {
    ours.append(try await timed(airlock, ["whoami", "--profile", "role-with-mfa"]))
    theirs.append(try await timed("aws", ["sts", "get-caller-identity", "--profile", "role-with-mfa"]))
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let airlockMedian = median(ours), awsMedian = median(theirs)
print("airlock_whoami_warm_ms\t\(String(format: "%.1f", airlockMedian))")
print("aws_sts_get_caller_identity_warm_ms\t\(String(format: "%.1f", awsMedian))")
print(String(format: "whoami with a warm cache: airlock %.1f ms, aws %.1f ms: airlock %.1fx faster (goal 25x)",
             airlockMedian, awsMedian, awsMedian / airlockMedian))
try await sts.stop()
try? FileManager.default.removeItem(at: home)
