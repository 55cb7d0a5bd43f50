// libFuzzer target: the AWS config/credentials file parser (AirlockAWS/Config/INIFile.swift). Any input
// must give a parsed file or a ConfigError, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    if let file = try? INIFile(parsing: text, path: "fuzz") {
        for section in file.sections {
            for (_, value) in section.values { _ = value.string }
        }
    }
    return 0
}
