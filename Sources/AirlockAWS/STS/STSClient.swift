import Foundation

/// AWS Security Token Service: GetSessionToken, AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity over
/// the query API (`POST /`, form body, Version 2011-06-15).
///
/// ```swift
/// let sts = STSClient(credentials: keys, region: "us-east-1", endpoint: endpoint, client: queryClient)
/// let session = try await sts.getSessionToken(serialNumber: serial, tokenCode: "123456")
/// ```
/// Calls that carry an MFA code are never retried: AWS refuses a code used twice.
public struct STSClient: Sendable {
    public static let apiVersion = "2011-06-15"

    /// The caller's keys; nil for an anonymous client, which can only call AssumeRoleWithWebIdentity.
    public let credentials: AWSCredentials?
    public let region: String
    public let endpoint: URL
    public let client: AWSQueryClient

    public init(credentials: AWSCredentials?, region: String, endpoint: URL, client: AWSQueryClient) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.client = client
    }

    /// Temporary credentials for the caller's own identity; with an MFA device and code, the session counts
    /// as MFA-authenticated (`aws:MultiFactorAuthPresent`).
    public func getSessionToken(
        durationSeconds: Int? = nil, serialNumber: String? = nil, tokenCode: String? = nil
    ) async throws -> SessionTokenResult {
        var parameters: [(String, String)] = []
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let serialNumber { parameters.append(("SerialNumber", serialNumber)) }
        if let tokenCode { parameters.append(("TokenCode", tokenCode)) }
        let xml = try await call("GetSessionToken", parameters, retryable: tokenCode == nil)
        return SessionTokenResult(
            credentials: try STSCredentialsResult.credentials(in: xml, result: "GetSessionTokenResult", endpoint: endpoint),
            requestID: xml.text("ResponseMetadata", "RequestId")
        )
    }

    /// Temporary credentials for a role.
    public func assumeRole(_ request: AssumeRoleRequest) async throws -> AssumeRoleResult {
        var parameters: [(String, String)] = [("RoleArn", request.roleARN), ("RoleSessionName", request.roleSessionName)]
        if let value = request.durationSeconds { parameters.append(("DurationSeconds", String(value))) }
        if let value = request.externalID { parameters.append(("ExternalId", value)) }
        if let value = request.serialNumber { parameters.append(("SerialNumber", value)) }
        if let value = request.tokenCode { parameters.append(("TokenCode", value)) }
        if let value = request.sourceIdentity { parameters.append(("SourceIdentity", value)) }
        if let value = request.policy { parameters.append(("Policy", value)) }
        for (index, tag) in request.tags.enumerated() {
            parameters.append(("Tags.member.\(index + 1).Key", tag.key))
            parameters.append(("Tags.member.\(index + 1).Value", tag.value))
        }
        let xml = try await call("AssumeRole", parameters, retryable: request.tokenCode == nil)
        return try roleResult(xml, of: "AssumeRole")
    }

    /// Temporary credentials for a role that trusts the OpenID Connect provider behind `token`. Unsigned: the token
    /// is the proof.
    public func assumeRoleWithWebIdentity(roleARN: String, roleSessionName: String, token: String,
                                          durationSeconds: Int? = nil) async throws -> AssumeRoleResult {
        var parameters: [(String, String)] = [("RoleArn", roleARN), ("RoleSessionName", roleSessionName), ("WebIdentityToken", token)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let xml = try await client.send(
            AWSQueryRequest(service: "sts", action: "AssumeRoleWithWebIdentity", version: Self.apiVersion, parameters: parameters),
            endpoint: endpoint, region: region, credentials: nil
        )
        return try roleResult(xml, of: "AssumeRoleWithWebIdentity")
    }

    /// The answer of AssumeRole or AssumeRoleWithWebIdentity (the same fields under `<ACTIONResult>`).
    private func roleResult(_ xml: XMLTree, of action: String) throws -> AssumeRoleResult {
        let result = xml.child(action + "Result")
        return AssumeRoleResult(
            credentials: try STSCredentialsResult.credentials(in: xml, result: action + "Result", endpoint: endpoint),
            assumedRoleARN: result?.text("AssumedRoleUser", "Arn") ?? "",
            assumedRoleID: result?.text("AssumedRoleUser", "AssumedRoleId") ?? "",
            packedPolicySize: result?.text("PackedPolicySize").flatMap { Int($0) },
            sourceIdentity: result?.text("SourceIdentity"),
            requestID: xml.text("ResponseMetadata", "RequestId")
        )
    }

    /// Who the credentials belong to.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let xml = try await call("GetCallerIdentity", [], retryable: true)
        guard let result = xml.child("GetCallerIdentityResult"),
              let arn = result.text("Arn"), let account = result.text("Account"), let userID = result.text("UserId") else {
            throw AWSTransportError.unreadableResponse(
                endpoint: endpoint.absoluteString, httpStatus: 200, reason: "GetCallerIdentityResult lacks Arn, Account or UserId"
            )
        }
        return CallerIdentity(userID: userID, account: account, arn: arn)
    }

    private func call(_ action: String, _ parameters: [(String, String)], retryable: Bool) async throws -> XMLTree {
        try await client.send(
            AWSQueryRequest(service: "sts", action: action, version: Self.apiVersion, parameters: parameters, retryable: retryable),
            endpoint: endpoint, region: region, credentials: credentials
        )
    }
}
