import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// The STS client against the project's test STS: every MFA and trust-policy path, with AWS's messages.
@Suite struct STSClientTests {
    @Test func getSessionTokenWithAndWithoutMFA() async throws {
        try await withTestSTS { sts, client, _ in
            let anika = sts.anika
            let plain = try await sts.client(client).getSessionToken(durationSeconds: 900)
            #expect(plain.credentials.accessKeyID.hasPrefix("ASIA"))
            #expect(plain.credentials.sessionToken != nil)
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            let withMFA = try await sts.client(client).getSessionToken(serialNumber: anika.mfaSerial, tokenCode: code)
            let expiration = try #require(withMFA.credentials.expiration)
            #expect(expiration.timeIntervalSinceNow > 11 * 3600)
            #expect(withMFA.requestID != nil)
        }
    }

    @Test func aWrongCodeIsRefusedWithAWSsMessage() async throws {
        try await withTestSTS { sts, client, _ in
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            let wrong = String(code.reversed()) == code ? "000000" : String(code.reversed())
            let error = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: wrong) }
            #expect(error.map { "\($0)" } == "An error occurred (AccessDenied) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code. ")
            #expect((error as? AWSServiceError)?.requestID != nil)
            // One request only: a call with an MFA code is never retried.
            #expect(await sts.engine.received.count == 1)
        }
    }

    @Test func aCodeWorksOnce() async throws {
        try await withTestSTS { sts, client, _ in
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: code)
            let error = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: code) }
            #expect((error as? AWSServiceError)?.code == "AccessDenied")
            #expect((error as? AWSServiceError)?.message == "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
        }
    }

    @Test func malformedCodesAndUnknownDevicesAreRefused() async throws {
        try await withTestSTS { sts, client, _ in
            let short = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: "12345") }
            #expect(short.map { "\($0)" } == "An error occurred (ValidationError) when calling the GetSessionToken operation: 1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6")
            let letters = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: "12345a") }
            #expect((letters as? AWSServiceError)?.code == "ValidationError")
            let device = await failure { _ = try await sts.client(client).getSessionToken(serialNumber: "arn:aws:iam::123456789012:mfa/someone-else", tokenCode: "123456") }
            #expect((device as? AWSServiceError)?.message == "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
        }
    }

    @Test func sessionCredentialsCannotGetASessionToken() async throws {
        try await withTestSTS { sts, client, _ in
            let session = try await sts.client(client).getSessionToken()
            let error = await failure { _ = try await sts.client(client, credentials: session.credentials).getSessionToken() }
            #expect(error.map { "\($0)" } == "An error occurred (AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials")
        }
    }

    @Test func aRoleThatDemandsMFAIsRefusedWithoutIt() async throws {
        try await withTestSTS { sts, client, _ in
            let error = await failure {
                _ = try await sts.client(client).assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("cli-role"), roleSessionName: "s1"))
            }
            #expect(error.map { "\($0)" } == "An error occurred (AccessDenied) when calling the AssumeRole operation: Access denied")
        }
    }

    @Test func assumeRoleWithMFASendsEveryParameter() async throws {
        try await withTestSTS { sts, client, _ in
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            let result = try await sts.client(client).assumeRole(AssumeRoleRequest(
                roleARN: sts.roleARN("cli-role"), roleSessionName: "anika@example.com", durationSeconds: 1800,
                externalID: nil, serialNumber: sts.anika.mfaSerial, tokenCode: code, sourceIdentity: "anika",
                tags: [.init(key: "team", value: "platform")], policy: #"{"Version":"2012-10-17","Statement":[]}"#
            ))
            #expect(result.assumedRoleARN == "arn:aws:sts::123456789012:assumed-role/cli-role/anika@example.com")
            #expect(result.assumedRoleID.hasSuffix(":anika@example.com"))
            #expect(result.packedPolicySize == 6)
            #expect(result.sourceIdentity == "anika")
            let expiration = try #require(result.credentials.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 1800) < 120)
            let identity = try await sts.client(client, credentials: result.credentials).getCallerIdentity()
            #expect(identity == CallerIdentity(userID: result.assumedRoleID, account: "123456789012", arn: result.assumedRoleARN))
        }
    }

    @Test func anMFASessionSatisfiesTheTrustPolicyWithoutAnotherCode() async throws {
        // The reference's flow: GetSessionToken with MFA, then AssumeRole with those session credentials.
        try await withTestSTS { sts, client, _ in
            let code = try #require(await sts.engine.currentCode(forUser: "anika"))
            let session = try await sts.client(client).getSessionToken(serialNumber: sts.anika.mfaSerial, tokenCode: code)
            let role = try await sts.client(client, credentials: session.credentials)
                .assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("cli-role"), roleSessionName: "terraform"))
            #expect(role.assumedRoleARN.hasSuffix("assumed-role/cli-role/terraform"))
            let chained = await failure {
                _ = try await sts.client(client, credentials: role.credentials)
                    .assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("open-role"), roleSessionName: "chain", durationSeconds: 7200))
            }
            #expect((chained as? AWSServiceError)?.message == "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
    }

    @Test func durationLimitsAndSessionNamesAreValidated() async throws {
        try await withTestSTS { sts, client, _ in
            let long = await failure {
                _ = try await sts.client(client).assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("open-role"), roleSessionName: "s", durationSeconds: 7200))
            }
            #expect((long as? AWSServiceError)?.code == "ValidationError")
            let tooLong = await failure {
                _ = try await sts.client(client).assumeRole(AssumeRoleRequest(roleARN: sts.roleARN("open-role"), roleSessionName: "ok", durationSeconds: 7200))
            }
            #expect((tooLong as? AWSServiceError)?.message == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
            let short = await failure { _ = try await sts.client(client).getSessionToken(durationSeconds: 60) }
            #expect((short as? AWSServiceError)?.message == "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
        }
    }

    @Test func expiredSessionsAndBadKeysAreRefused() async throws {
        try await withTestSTS { sts, client, _ in
            let session = try await sts.client(client).getSessionToken(durationSeconds: 900)
            await sts.engine.advanceClock(by: 901)
            let expired = await failure { _ = try await sts.client(client, credentials: session.credentials).getCallerIdentity() }
            #expect(expired.map { "\($0)" } == "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired")
            // Our own request's date is now 15 minutes behind the test STS's clock; move it back first.
            await sts.engine.advanceClock(by: -901)
            let unknown = await failure {
                _ = try await sts.client(client, credentials: AWSCredentials(accessKeyID: "AKIANOBODY", secretAccessKey: "x")).getCallerIdentity()
            }
            #expect((unknown as? AWSServiceError)?.code == "InvalidClientTokenId")
            let wrongSecret = AWSCredentials(accessKeyID: sts.anika.accessKeyID, secretAccessKey: "not-the-secret")
            let mismatch = await failure { _ = try await sts.client(client, credentials: wrongSecret).getCallerIdentity() }
            #expect((mismatch as? AWSServiceError)?.code == "SignatureDoesNotMatch")
        }
    }

    @Test func getCallerIdentityForAUser() async throws {
        try await withTestSTS { sts, client, _ in
            let identity = try await sts.client(client).getCallerIdentity()
            #expect(identity.arn == "arn:aws:iam::123456789012:user/anika")
            #expect(identity.account == "123456789012")
        }
    }
}
