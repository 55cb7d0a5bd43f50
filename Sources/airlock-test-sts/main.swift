import AirlockTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The project's test STS as a program, for the demo: AWS STS's wire format on loopback, with the reference
// document's IAM user (anika, with a virtual MFA device), and roles `cli-role` (trust demands MFA) and
// `open-role`. Prints one JSON line describing it, then serves until SIGINT or SIGTERM.
//   airlock-test-sts [PORT]
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 0
let directory = TestSTSDirectory.reference()
let sts = try await TestSTS.start(directory: directory, port: port)
let user = directory.users[0]
let description: [String: String] = [
    "endpoint": sts.endpoint.absoluteString,
    "access_key_id": user.accessKeyID,
    "secret_access_key": user.secretAccessKey,
    "mfa_serial": user.mfaSerial ?? "",
    "mfa_seed": user.mfaSecret ?? "",
    "mfa_role_arn": directory.roles[0].arn,
]
let line = try JSONSerialization.data(withJSONObject: description, options: [.sortedKeys, .withoutEscapingSlashes])
FileHandle.standardOutput.write(line + Data("\n".utf8))

let (stop, stopped) = AsyncStream<Void>.makeStream()
let signalSources = [SIGINT, SIGTERM].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { stopped.yield() }
    source.resume()
    return source
}
for await _ in stop { break }
for source in signalSources { source.cancel() }
try await sts.stop()
