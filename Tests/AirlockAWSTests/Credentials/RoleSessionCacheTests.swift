import Foundation
import Testing
@testable import AirlockAWS

@Suite struct RoleSessionCacheTests {
    func temporaryCache() -> RoleSessionCache {
        RoleSessionCache(folder: FileManager.default.temporaryDirectory.appendingPathComponent("airlock-cache-\(UUID().uuidString)"))
    }

    @Test func keysAreBotocores() {
        // Expected values from botocore's own derivation: sha1(json.dumps(args, sort_keys=True)).
        let full = AssumeRoleSettings(profile: "p", roleARN: "arn:aws:iam::128716708097:role/cli-role", roleSessionName: "anika",
                                      externalID: "ext-é", mfaSerial: "arn:aws:iam::128716708097:mfa/cli-user")
        #expect(RoleSessionCache.key(for: full, durationSeconds: 3600) == "d61fdbfcd6cd9b55bf83a26637b66de9e0cecdf5")
        let plain = AssumeRoleSettings(profile: "p", roleARN: "arn:aws:iam::128716708097:role/cli-role",
                                       mfaSerial: "arn:aws:iam::128716708097:mfa/cli-user")
        #expect(RoleSessionCache.key(for: plain, durationSeconds: nil) == "2699bcc9a340d385f7ebed6b68afe0beb42ebaf4")
    }

    @Test func sessionsWithLessThanFifteenMinutesLeftAreExpired() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.folder) }
        let now = Date()
        let result = AssumeRoleResult(
            credentials: AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s", sessionToken: "t", expiration: now.addingTimeInterval(20 * 60)),
            assumedRoleARN: "arn:aws:sts::128716708097:assumed-role/cli-role/s", assumedRoleID: "AROA:s", requestID: "r"
        )
        try cache.store(result, forKey: "k")
        #expect(cache.credentials(forKey: "k", now: now)?.accessKeyID == "ASIA1")
        #expect(cache.credentials(forKey: "k", now: now.addingTimeInterval(6 * 60)) == nil)
        let text = try String(contentsOf: cache.path("k"), encoding: .utf8)
        #expect(text.contains("\"AccountId\":\"128716708097\""))
        #expect(text.contains("UTC\""))
        let mode = try FileManager.default.attributesOfItem(atPath: cache.path("k").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func readsTheExpirationFormsTheAWSCLIWrites() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.folder) }
        let future = AWSTimestamp(Date().addingTimeInterval(3600)).iso8601.dropLast()
        for (index, expiration) in ["\(future)UTC", "\(future)Z", "\(future)+00:00"].enumerated() {
            try AtomicFile.write(Data("""
                {"Credentials": {"AccessKeyId": "ASIA\(index)", "SecretAccessKey": "s", "SessionToken": "t",
                 "Expiration": "\(expiration)"}, "AssumedRoleUser": {"AssumedRoleId": "A:s", "Arn": "arn"},
                 "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}
                """.utf8), to: cache.path("k\(index)"))
            #expect(cache.credentials(forKey: "k\(index)")?.accessKeyID == "ASIA\(index)", "\(expiration)")
        }
    }

    /// The review's finding: cache files were trusted whatever their owner and mode. One others may write, or a link
    /// (to a file of someone else's choosing), is passed over.
    @Test func aSessionOthersMayWriteOrALinkIsNotTrusted() throws {
        let cache = temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.folder) }
        let result = AssumeRoleResult(
            credentials: AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s", sessionToken: "t", expiration: Date().addingTimeInterval(3600)),
            assumedRoleARN: "arn:aws:sts::128716708097:assumed-role/cli-role/s", assumedRoleID: "AROA:s", requestID: "r"
        )
        try cache.store(result, forKey: "k")
        #expect(cache.credentials(forKey: "k")?.accessKeyID == "ASIA1")
        for mode in [0o620, 0o602, 0o666] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: cache.path("k").path)
            #expect(cache.credentials(forKey: "k") == nil, "mode \(String(mode, radix: 8))")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cache.path("k").path)
        try FileManager.default.createSymbolicLink(at: cache.path("linked"), withDestinationURL: cache.path("k"))
        #expect(cache.credentials(forKey: "linked") == nil)
    }
}
