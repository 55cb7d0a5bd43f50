import Fluent
import Vapor

/// The browser side of `terraform login`: the page (`TerraformLoginPage`) that asks the logged-in user to approve Terraform's
/// request for an API token, and the token endpoint Terraform exchanges the code at.
struct TerraformLoginPages: RouteCollection {
    struct Decision: Content {
        let decision: String
        let client_id: String?
        let response_type: String?
        let redirect_uri: String?
        let state: String?
        let code_challenge: String?
        let code_challenge_method: String?
    }

    /// Registered on the pages that need a logged-in user (sessions, CSRF).
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.terraformLogin.pathComponents, use: show)
        routes.post(SiteURL.terraformLogin.pathComponents, use: decide)
    }

    func show(_ request: Request) async throws -> Response {
        let query = Decision(decision: "", client_id: request.query["client_id"], response_type: request.query["response_type"],
                             redirect_uri: request.query["redirect_uri"], state: request.query["state"],
                             code_challenge: request.query["code_challenge"], code_challenge_method: request.query["code_challenge_method"])
        let login: TerraformLogin.Request
        do {
            login = try Self.loginRequest(query)
        } catch let refused {
            return Layout.render("Terraform login", "<p role=\"alert\">\(refused.description)</p>", status: .badRequest, for: request)
        }
        let page = TerraformLoginPage(username: try request.auth.require(User.self).username, login: login)
        return Layout.render("Terraform login", page.render(csrf: CSRF.field(for: request)), formTargets: [login.origin], for: request)
    }

    func decide(_ request: Request) async throws -> Response {
        let form = try request.content.decode(Decision.self)
        let login: TerraformLogin.Request
        do {
            login = try Self.loginRequest(form)
        } catch let refused {
            return Layout.render("Terraform login", "<p role=\"alert\">\(refused.description)</p>", status: .badRequest, for: request)
        }
        guard form.decision == "approve" else {
            return request.redirect(to: login.redirect([URLQueryItem(name: "error", value: "access_denied")]), redirectType: .normal)
        }
        let code = try await TerraformLogin.issueCode(for: login, user: try request.auth.require(User.self), now: request.application.clock.now,
                                                      on: request.db)
        return request.redirect(to: login.redirect([URLQueryItem(name: "code", value: code)]), redirectType: .normal)
    }

    private static func loginRequest(_ values: Decision) throws(TerraformLogin.Refused) -> TerraformLogin.Request {
        try TerraformLogin.Request(clientID: values.client_id, responseType: values.response_type, redirectURI: values.redirect_uri,
                                   state: values.state, codeChallenge: values.code_challenge, codeChallengeMethod: values.code_challenge_method)
    }
}

/// `POST /oauth2/token`: the code and the PKCE verifier for an API token, as OAuth 2 answers.
struct TerraformLoginToken: RouteCollection {
    struct Form: Content {
        let grant_type: String?
        let code: String?
        let code_verifier: String?
        let redirect_uri: String?
        let client_id: String?
    }

    struct Granted: Content {
        let access_token: String
        let token_type: String
    }

    struct Refusal: Content {
        let error: String
        let error_description: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post("oauth2", "token", use: token)
    }

    func token(_ request: Request) async throws -> Response {
        guard let form = try? request.content.decode(Form.self), form.grant_type == "authorization_code", let code = form.code,
              let verifier = form.code_verifier, let redirect = form.redirect_uri else {
            return try Self.refused(.init(error: "invalid_request", error_description: "Send grant_type=authorization_code, code, code_verifier and redirect_uri."))
        }
        do {
            let token = try await TerraformLogin.exchange(code: code, verifier: verifier, redirectURI: redirect, clientID: form.client_id ?? "",
                                                          now: request.application.clock.now, on: request.db)
            let response = Response(status: .ok)
            try response.content.encode(Granted(access_token: token, token_type: "bearer"))
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let refused as TerraformLogin.GrantRefused {
            return try Self.refused(.init(error: refused.error, error_description: refused.description))
        }
    }

    private static func refused(_ refusal: Refusal) throws -> Response {
        let response = Response(status: .badRequest)
        try response.content.encode(refusal)
        return response
    }
}
