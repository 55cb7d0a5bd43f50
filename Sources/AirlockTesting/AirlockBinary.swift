import Foundation

/// The `airlock` the package builds (`.build/debug/airlock`), which the binary-driven suites run.
public enum AirlockBinary {
    public static var path: String {
        // Sources/AirlockTesting/AirlockBinary.swift -> repository root -> .build/debug/airlock
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/airlock").path
    }
}
