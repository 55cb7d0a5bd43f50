import Vapor

/// `/.well-known/terraform.json`: where Terraform's own CLI finds the TFE API (`tfe.v2`) of this server.
enum ServiceDiscovery {
    static let path: [PathComponent] = [".well-known", "terraform.json"]

    struct Document: Content {
        let tfeV2: String
        let tfeV21: String
        let tfeV22: String

        enum CodingKeys: String, CodingKey {
            case tfeV2 = "tfe.v2"
            case tfeV21 = "tfe.v2.1"
            case tfeV22 = "tfe.v2.2"
        }
    }

    static let document = Document(tfeV2: TFEAPI.basePath, tfeV21: TFEAPI.basePath, tfeV22: TFEAPI.basePath)
}
