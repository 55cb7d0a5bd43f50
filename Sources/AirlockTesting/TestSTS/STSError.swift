import Foundation

/// An error the test STS answers with: AWS's codes, HTTP statuses and messages.
struct STSError: Error {
    let status: Int
    let type: String
    let code: String
    let message: String

    init(_ status: Int, _ code: String, _ message: String, type: String = "Sender") {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
    }

    static let invalidMFACode = STSError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
    static let unknownMFADevice = STSError(403, "AccessDenied",
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.")
    static let accessDenied = STSError(403, "AccessDenied", "Access denied")
    static let sessionCredentialsForSessionToken = STSError(403, "AccessDenied", "Cannot call GetSessionToken with session credentials")
    static let invalidToken = STSError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    static let expiredToken = STSError(400, "ExpiredToken", "The security token included in the request is expired")
    static let missingAuthentication = STSError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    static let signatureMismatch = STSError(403, "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    static func validation(_ message: String) -> STSError {
        STSError(400, "ValidationError", message)
    }

    static func constraint(_ field: String, _ constraint: String, value: String?) -> STSError {
        let shown = value.map { "Value '\($0)'" } ?? "Value"
        return validation("1 validation error detected: \(shown) at '\(field)' failed to satisfy constraint: \(constraint)")
    }

    func xml(requestID: String) -> String {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>\(type)</Type>
            <Code>\(XMLText.escape(code))</Code>
            <Message>\(XMLText.escape(message))</Message>
          </Error>
          <RequestId>\(requestID)</RequestId>
        </ErrorResponse>
        """
    }
}

enum XMLText {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
