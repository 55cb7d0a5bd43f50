import AirlockAWS
import Foundation

// Signs the request an STS GetSessionToken call sends, many times, and prints signatures per second:
// once with one signer (the signing key derived once a day, as Airlock's clients do) and once with a new
// signer per request (the key derived every time, as botocore does). `Benchmarks/run.sh` prints these next
// to botocore's SigV4Auth measured in the same run.

let credentials = AWSCredentials(
    accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: nil
)
let body = Array("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600".utf8)
let request = SigV4Request(method: "POST", path: "/", headers: [
    .init("Host", "sts.us-east-1.amazonaws.com"),
    .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
], body: body)
let date = Date(timeIntervalSince1970: 1_700_000_000)

func measure(_ label: String, iterations: Int, rounds: Int = 5, _ sign: () -> String) -> Double {
    var best = 0.0
    var sink = 0
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { sink &+= sign().utf8.count }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = max(best, Double(iterations) / seconds)
    }
    if sink == 42 { print("") }  // keeps the work from being optimised away
    print("\(label)\t\(Int(best))")
    return best
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
_ = measure("airlock_sigv4_per_second", iterations: iterations) {
    signer.signHeaders(request, date: date).signature
}
if CommandLine.arguments.count > 2 { exit(0) }  // `airlock-benchmarks N warm`: the first figure only, for profiling
_ = measure("airlock_sigv4_new_signer_per_second", iterations: iterations) {
    SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts").signHeaders(request, date: date).signature
}
