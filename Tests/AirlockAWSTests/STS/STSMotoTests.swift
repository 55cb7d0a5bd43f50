import AirlockAWS
import AirlockTesting
import Foundation
import Testing

/// The STS client against moto, the real STS wire format, with moto's SigV4 verification turned on.
@Suite(.serialized) struct STSMotoTests {
    /// Starts moto, creates an IAM user with an access key and an allow-all policy, turns authentication
    /// on, and hands over an STS client signing with that key.
    func withMoto(_ body: (MotoServer, AWSQueryClient, AWSCredentials) async throws -> Void) async throws {
        let moto = try await MotoServer.start()
        let client = AWSQueryClient()
        do {
            try await moto.enableAuthentication(afterRequests: 3)
            let setup = AWSCredentials(accessKeyID: "AKIASETUP", secretAccessKey: "setup")
            func iam(_ action: String, _ parameters: [(String, String)]) async throws -> XMLTree {
                try await client.send(
                    AWSQueryRequest(service: "iam", action: action, version: "2010-05-08", parameters: parameters),
                    endpoint: moto.endpoint, region: "us-east-1", credentials: setup
                )
            }
            _ = try await iam("CreateUser", [("UserName", "anika")])
            let key = try await iam("CreateAccessKey", [("UserName", "anika")])
            _ = try await iam("PutUserPolicy", [
                ("UserName", "anika"), ("PolicyName", "all"),
                ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
            ])
            let credentials = AWSCredentials(
                accessKeyID: try #require(key.text("CreateAccessKeyResult", "AccessKey", "AccessKeyId")),
                secretAccessKey: try #require(key.text("CreateAccessKeyResult", "AccessKey", "SecretAccessKey"))
            )
            try await body(moto, client, credentials)
        } catch {
            try? await client.shutdown()
            moto.stop()
            throw error
        }
        try await client.shutdown()
        moto.stop()
    }

    @Test func allThreeCallsWorkWithSignatureVerificationOn() async throws {
        try await withMoto { moto, client, credentials in
            let sts = STSClient(credentials: credentials, region: "us-east-1", endpoint: moto.endpoint, client: client)
            let identity = try await sts.getCallerIdentity()
            #expect(identity.arn.hasSuffix(":user/anika"))
            #expect(identity.account.count == 12)

            let session = try await sts.getSessionToken(
                durationSeconds: 900, serialNumber: "arn:aws:iam::\(identity.account):mfa/anika", tokenCode: "123456"
            )
            #expect(session.credentials.sessionToken?.isEmpty == false)
            #expect(session.credentials.expiration != nil)

            let role = try await sts.assumeRole(AssumeRoleRequest(
                roleARN: "arn:aws:iam::\(identity.account):role/cli-role", roleSessionName: "airlock-test",
                durationSeconds: 900, externalID: "ext-1", sourceIdentity: "anika",
                tags: [.init(key: "team", value: "platform")]
            ))
            #expect(role.assumedRoleARN == "arn:aws:sts::\(identity.account):assumed-role/cli-role/airlock-test")
            #expect(role.credentials.accessKeyID.isEmpty == false)
            #expect(role.credentials.expiration != nil)
        }
    }

    @Test func motoRefusesAWrongSignature() async throws {
        try await withMoto { moto, client, credentials in
            var wrong = credentials
            wrong.secretAccessKey = "not-" + credentials.secretAccessKey
            let sts = STSClient(credentials: wrong, region: "us-east-1", endpoint: moto.endpoint, client: client)
            let error = await failure { _ = try await sts.getCallerIdentity() }
            #expect((error as? AWSServiceError)?.code == "SignatureDoesNotMatch")
        }
    }
}
