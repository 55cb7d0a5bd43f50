// libFuzzer target: the XML reader of AWS Query answers and the STS credentials in them (AirlockAWS/Query/
// XMLTree.swift, AirlockAWS/STS/STSCredentialsResult.swift). Any input must give a tree, credentials or an
// error, never a crash.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTSXML(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    guard let xml = XMLTree.parse(Array(UnsafeBufferPointer(start: data, count: count))) else { return 0 }
    _ = xml.child("Error")?.text("Code")
    _ = xml.at("Errors", "Error")?.text("Message")
    let endpoint = URL(fileURLWithPath: "/")
    for result in ["GetSessionTokenResult", "AssumeRoleResult"] {
        _ = try? STSCredentialsResult.credentials(in: xml, result: result, endpoint: endpoint)
    }
    return 0
}
