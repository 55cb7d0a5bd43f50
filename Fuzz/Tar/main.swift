// libFuzzer target: the tar reader that checks configuration uploads (AirlockServer/ConfigurationVersions/
// TarArchive.swift, with its link checks). Any input must give checked entries or a refusal, never a crash.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let archive = Data(bytes: data, count: count)
    _ = try? TarArchive.entries(of: archive, limits: TarArchive.Limits(maximumEntries: 200, maximumBytes: 1 << 20))
    var source = TarBytes(archive)
    _ = try? TarArchive.entries(in: &source, limits: TarArchive.Limits(maximumEntries: 200, maximumBytes: 1 << 20), keepingContents: false)
    return 0
}
