import Vapor

/// A refusal in JSON:API's error form (`{"errors":[{"status":"404","title":"not found","detail":...}]}`),
/// which Terraform's CLI shows to its user.
struct TFEError: Error {
    let status: HTTPResponseStatus
    let detail: String

    static let unauthorized = TFEError(status: .unauthorized,
                                       detail: "Send an Airlock API token: run `terraform login HOST`, or set TF_TOKEN_<host> or a credentials block.")
}

/// Renders every error of the TFE API in JSON:API's form: refusals with their status and message, anything
/// else as a 500 that reveals nothing.
struct TFEErrorMiddleware: AsyncMiddleware {
    private struct Body: Encodable {
        struct Item: Encodable {
            let status: String
            let title: String
            let detail: String
        }
        let errors: [Item]
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            let (status, detail) = Self.describe(error, request: request)
            response = try TFEDocument.encoded(Body(errors: [.init(status: String(status.code), title: status.reasonPhrase.lowercased(),
                                                                   detail: detail)]), status: status)
        }
        response.headers.replaceOrAdd(name: "TFP-API-Version", value: TFEAPI.apiVersion)
        return response
    }

    private static func describe(_ error: any Error, request: Request) -> (HTTPResponseStatus, String) {
        if let error = error as? TFEError { return (error.status, error.detail) }
        let described = ErrorDescription(error, undecodable: .init(status: .unprocessableEntity,
                                                                   message: "The request body is not the JSON:API document this endpoint takes."),
                                         request: request)
        return (described.status, described.message)
    }
}
