import AirlockAWS
import Foundation

/// The test STS's behaviour: authentication, MFA, trust policies and sessions, as AWS has them.
/// One actor, so that checking and recording a used MFA code is a single step.
public actor TestSTSEngine {
    /// A record of one request, for tests to check what a client sent (never the code itself).
    public struct Received: Sendable, Equatable {
        public let action: String
        public let carriedTokenCode: Bool
        public let errorCode: String?
        /// The access key that signed the request.
        public var accessKeyID: String? = nil
        public var roleARN: String? = nil
        public var sourceIdentity: String? = nil
        /// The MFA device the request named (`SerialNumber`).
        public var serialNumber: String? = nil
        /// AssumeRole's `RoleSessionName`.
        public var roleSessionName: String? = nil
        /// The `DurationSeconds` asked for, as sent.
        public var durationSeconds: String? = nil
    }

    public let directory: TestSTSDirectory
    var sessions: [String: TestSTSSession] = [:]
    /// MFA device serial → time steps whose codes have been used.
    var usedCodes: [String: Set<UInt64>] = [:]
    var faults: [TestSTSFault] = []
    var clockOffset: TimeInterval = 0
    var requestCounter = 0
    public private(set) var received: [Received] = []
    /// Identity Center access tokens the portal takes now → the person and when the token expires.
    var ssoAccessTokens: [String: (user: String, expiration: Date)] = [:]
    /// Refresh tokens CreateToken takes now → the person.
    var ssoRefreshTokens: [String: String] = [:]

    public init(directory: TestSTSDirectory) {
        self.directory = directory
        for user in directory.ssoUsers {
            ssoAccessTokens[user.accessToken] = (user.name, user.accessTokenExpiration)
            ssoRefreshTokens[user.refreshToken] = user.name
        }
    }

    /// Where a frozen clock stopped; nil while it follows the wall clock.
    var frozenAt: Date?
    /// The longest a role session it issues lasts, whatever was asked (nil: as asked); its `Expiration` says so.
    var roleSessionLifetimeLimit: TimeInterval?

    /// Makes every role session (AssumeRole) issued from now on end after at most `seconds`, as if the world ran
    /// faster: a test of credentials that must be renewed sees several role sessions end in a minute, while the MFA
    /// session they are assumed from lasts as asked. STS's answers still say when each ends.
    public func limitRoleSessions(to seconds: TimeInterval) {
        roleSessionLifetimeLimit = seconds
    }

    var now: Date { (frozenAt ?? Date()).addingTimeInterval(clockOffset) }

    /// Moves the test STS's clock (session expiry, MFA time steps) forward.
    public func advanceClock(by seconds: TimeInterval) {
        clockOffset += seconds
    }

    /// Stops the clock where it is: from now on only `advanceClock` moves it, so a code a test read stays the
    /// device's current one however long a loaded machine takes to send it (the in-process server's tests, whose
    /// codes come from `currentCode`, not from a device of their own).
    public func freezeClock() {
        if frozenAt == nil { frozenAt = Date() }
    }

    /// Answers the next requests with these failures, in order.
    public func inject(_ faults: [TestSTSFault]) {
        self.faults.append(contentsOf: faults)
    }

    /// The MFA code a user's device shows now (on the test STS's clock).
    public func currentCode(forUser name: String) -> String? {
        directory.users.first { $0.name == name }?.totp?.code(at: now)
    }

    /// The MFA code the device `serial` shows now, or `steps` time steps (of 30 s) from now.
    public func currentCode(forDevice serial: String, steps: Int = 0) -> String? {
        directory.users.lazy.flatMap(\.mfaDevices).first { $0.serial == serial }?.totp?.code(at: now.addingTimeInterval(TimeInterval(steps * 30)))
    }

    public func handle(_ request: TestSTSRequest) async -> TestSTSResponse {
        requestCounter += 1
        let requestID = String(format: "00000000-0000-4000-8000-%012d", requestCounter)
        // IAM Identity Center's portal and OIDC service, on the same listener.
        switch (request.method, request.path) {
        case ("GET", "/federation/credentials"):
            let answer = getRoleCredentials(request, requestID: requestID)
            received.append(Received(action: "GetRoleCredentials", carriedTokenCode: false, errorCode: answer.errorType))
            return answer
        case ("POST", "/token"):
            let answer = createToken(request, requestID: requestID)
            received.append(Received(action: "CreateToken", carriedTokenCode: false, errorCode: answer.errorType))
            return answer
        default:
            break
        }
        let parameters = request.parameters
        let action = parameters["Action"] ?? ""
        if !faults.isEmpty {
            let fault = faults.removeFirst()
            let error: STSError
            switch fault {
            case .throttling: error = STSError(400, "Throttling", "Rate exceeded")
            case .internalError: error = STSError(500, "InternalFailure", "An internal error occurred.", type: "Receiver")
            case .serviceUnavailable: error = STSError(503, "ServiceUnavailable", "Service is unavailable.", type: "Receiver")
            case let .delay(duration):
                try? await Task.sleep(for: duration)
                return respond(to: request, action: action, parameters: parameters, requestID: requestID)
            }
            received.append(record(request, action: action, parameters: parameters, errorCode: error.code))
            return TestSTSResponse(status: error.status, body: error.xml(requestID: requestID), requestID: requestID)
        }
        return respond(to: request, action: action, parameters: parameters, requestID: requestID)
    }

    private func record(_ request: TestSTSRequest, action: String, parameters: [String: String], errorCode: String?) -> Received {
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        let keyID = authorization.range(of: "Credential=").map { range in
            String(authorization[range.upperBound...].prefix { $0 != "/" })
        }
        return Received(action: action, carriedTokenCode: parameters["TokenCode"] != nil, errorCode: errorCode, accessKeyID: keyID,
                        roleARN: parameters["RoleArn"], sourceIdentity: parameters["SourceIdentity"], serialNumber: parameters["SerialNumber"],
                        roleSessionName: parameters["RoleSessionName"], durationSeconds: parameters["DurationSeconds"])
    }

    private func respond(to request: TestSTSRequest, action: String, parameters: [String: String], requestID: String) -> TestSTSResponse {
        do {
            if action == "AssumeRoleWithWebIdentity" {
                // The token is the proof: AWS takes this call unsigned.
                guard parameters["Version"] == STSClient.apiVersion else {
                    throw STSError(400, "InvalidAction", "Could not find operation \(action) for version \(parameters["Version"] ?? "NO_VERSION_SPECIFIED")")
                }
                let result = try assumeRoleWithWebIdentity(parameters: parameters)
                received.append(record(request, action: action, parameters: parameters, errorCode: nil))
                return TestSTSResponse(status: 200, body: Self.resultXML(action, result, requestID: requestID), requestID: requestID)
            }
            let caller = try authenticate(request, parameters: parameters)
            guard parameters["Version"] == STSClient.apiVersion else {
                throw STSError(400, "InvalidAction", "Could not find operation \(action) for version \(parameters["Version"] ?? "NO_VERSION_SPECIFIED")")
            }
            let result: String
            switch action {
            case "GetSessionToken": result = try getSessionToken(caller: caller, parameters: parameters)
            case "AssumeRole": result = try assumeRole(caller: caller, parameters: parameters)
            case "GetCallerIdentity": result = getCallerIdentity(caller: caller)
            default: throw STSError(400, "InvalidAction", "Could not find operation \(action) for version \(STSClient.apiVersion)")
            }
            received.append(record(request, action: action, parameters: parameters, errorCode: nil))
            return TestSTSResponse(status: 200, body: Self.resultXML(action, result, requestID: requestID), requestID: requestID)
        } catch let error as STSError {
            received.append(record(request, action: action, parameters: parameters, errorCode: error.code))
            return TestSTSResponse(status: error.status, body: error.xml(requestID: requestID), requestID: requestID)
        } catch {
            return TestSTSResponse(status: 500, body: STSError(500, "InternalFailure", "\(error)", type: "Receiver").xml(requestID: requestID), requestID: requestID)
        }
    }

    static func resultXML(_ action: String, _ result: String, requestID: String) -> String {
        """
        <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <\(action)Result>
        \(result)
          </\(action)Result>
          <ResponseMetadata>
            <RequestId>\(requestID)</RequestId>
          </ResponseMetadata>
        </\(action)Response>
        """
    }

    /// Checks the MFA device and code: the device must be the caller's, the code six digits, current within
    /// one time step either side, and not used before.
    func verifyMFA(user: TestSTSDirectory.User, serial: String?, code: String?) throws(STSError) -> Bool {
        guard serial != nil || code != nil else { return false }
        guard let serial, let code else { throw .invalidMFACode }
        guard code.count == 6 else {
            throw .constraint("tokenCode", code.count < 6 ? "Member must have length greater than or equal to 6" : "Member must have length less than or equal to 6", value: nil)
        }
        guard code.allSatisfy(\.isASCIIDigit) else {
            throw .constraint("tokenCode", "Member must satisfy regular expression pattern: [\\d]*", value: nil)
        }
        guard let totp = user.mfaDevices.first(where: { $0.serial == serial })?.totp else { throw .unknownMFADevice }
        guard let step = totp.matchingCounter(for: code, at: now),
              !usedCodes[serial, default: []].contains(step) else { throw .invalidMFACode }
        usedCodes[serial, default: []].insert(step)
        return true
    }

    func issueSession(user: TestSTSDirectory.User, role: TestSTSDirectory.Role?, sessionName: String?,
                      duration: Int, mfaAuthenticated: Bool) -> TestSTSSession {
        let keyID = "ASIA" + Self.randomString(16, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let lifetime = min(Double(duration), role == nil ? .infinity : roleSessionLifetimeLimit ?? .infinity)
        let expiration = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime).rounded(.down))
        let session = TestSTSSession(
            credentials: AWSCredentials(
                accessKeyID: keyID,
                secretAccessKey: Self.randomString(40, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
                sessionToken: "FwoGZXIvYXdzE" + Self.randomString(120, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                expiration: expiration
            ),
            expiration: expiration, user: user, role: role, sessionName: sessionName, mfaAuthenticated: mfaAuthenticated
        )
        sessions[keyID] = session
        return session
    }

    static func randomString(_ count: Int, alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters.randomElement()! })
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
