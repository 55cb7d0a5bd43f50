import AirlockAWS
import Foundation

/// A phase's AWS grant handed from an MFA authentication to the worker that runs the phase: sealed, bound to the
/// run and phase, and taken (deleted) when the phase starts.
enum SealedCredentials {
    static func context(runID: UUID, phase: RunPhase) -> String {
        "run-credentials:\(runID.uuidString):\(phase.rawValue)"
    }

    static func seal(_ grant: PhaseAWSGrant, runID: UUID, phase: RunPhase, secrets: SecretBox) throws -> String {
        let json = String(decoding: try JSONEncoder().encode(grant), as: UTF8.self)
        return try secrets.seal(json, boundTo: context(runID: runID, phase: phase))
    }

    static func unseal(_ sealed: String, runID: UUID, phase: RunPhase, secrets: SecretBox) throws -> PhaseAWSGrant {
        try JSONDecoder().decode(PhaseAWSGrant.self, from: Data(try secrets.unseal(sealed, boundTo: context(runID: runID, phase: phase)).utf8))
    }
}
