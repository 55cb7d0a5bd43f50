import Vapor

/// `/.well-known/terraform.json`: where Terraform's own CLI finds the TFE API (`tfe.v2`) of this server.
enum ServiceDiscovery {
    static let path: [PathComponent] = [".well-known", "terraform.json"]

    /// `terraform login`'s OAuth client settings (`TerraformLogin`).
    struct Login: Content {
        let client: String
        let grantTypes: [String]
        let authz: String
        let token: String
        let ports: [Int]

        enum CodingKeys: String, CodingKey {
            case client, authz, token, ports
            case grantTypes = "grant_types"
        }
    }

    struct Document: Content {
        let tfeV2: String
        let tfeV21: String
        let tfeV22: String
        let loginV1: Login

        enum CodingKeys: String, CodingKey {
            case tfeV2 = "tfe.v2"
            case tfeV21 = "tfe.v2.1"
            case tfeV22 = "tfe.v2.2"
            case loginV1 = "login.v1"
        }
    }

    static let document = Document(
        tfeV2: TFEAPI.basePath, tfeV21: TFEAPI.basePath, tfeV22: TFEAPI.basePath,
        loginV1: Login(client: TerraformLogin.clientID, grantTypes: ["authz_code"], authz: TerraformLogin.authorizePath,
                       token: TerraformLogin.tokenPath, ports: [TerraformLogin.ports.lowerBound, TerraformLogin.ports.upperBound]))
}
