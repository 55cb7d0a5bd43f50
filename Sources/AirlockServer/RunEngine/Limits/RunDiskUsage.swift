import Foundation

/// What a run phase's folder holds on disk: every file under it (links not followed), by the blocks it takes.
enum RunDiskUsage {
    static func bytes(under folder: URL) -> Int {
        let keys: [URLResourceKey] = [.totalFileAllocatedSizeKey, .isSymbolicLinkKey]
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys, options: [], errorHandler: { _, _ in true })
        else { return 0 }
        var total = 0
        for case let file as URL in walk {
            guard let values = try? file.resourceValues(forKeys: Set(keys)), values.isSymbolicLink != true else { continue }
            total = total.addingReportingOverflow(values.totalFileAllocatedSize ?? 0).partialValue
        }
        return total
    }
}
