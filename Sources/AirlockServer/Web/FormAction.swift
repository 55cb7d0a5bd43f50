import Vapor

extension Request {
    /// Runs a form's action, then sends the browser on (303) with a flash message: on success to the path
    /// the action returns, with `success`; when refused (any domain `Refusal`, such as STS being unreachable, or
    /// a 4xx `AbortError`) back to `failure`, with the refusal's message. Unexpected errors propagate to
    /// `PageErrorMiddleware`.
    /// `fields` maps a refusal's code to the id of the field it is about.
    func formAction(success: String, failure: String, fields: [String: String] = [:],
                    _ action: () async throws -> String) async throws -> Response {
        do {
            let destination = try await action()
            Flash.set(.success, success, on: self)
            return redirect(to: destination, redirectType: .normal)
        } catch let refusal as any Refusal {
            Flash.set(.error, refusal.message, field: fields[refusal.code], on: self)
            return redirect(to: failure, redirectType: .normal)
        } catch let error as any AbortError where (400..<500).contains(error.status.code) {
            Flash.set(.error, error.reason, field: (error as? APIError).flatMap { fields[$0.code] }, on: self)
            return redirect(to: failure, redirectType: .normal)
        }
    }

    /// `formAction` that returns to the same page either way.
    func formAction(redirectTo destination: String, success: String, fields: [String: String] = [:],
                    _ action: () async throws -> Void) async throws -> Response {
        try await formAction(success: success, failure: destination, fields: fields) {
            try await action()
            return destination
        }
    }
}
