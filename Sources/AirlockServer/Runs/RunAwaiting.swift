import Fluent
import Foundation

/// What a run waits for from people, who has approved its apply (with which device, when), and whether the person
/// looking may give what it waits for, with which device, or why not. The run's page, its environment's page, the API
/// and `airlock run` all read it from here; the rules themselves stay where they are enforced (`Authorizer`,
/// `Runs.confirm`, `PersonalMFADevices`), and this only asks them.
struct RunAwaiting: Sendable, Equatable {
    enum Need: String, Sendable {
        /// An MFA token code before the plan starts.
        case planCode = "plan_code"
        /// Someone's Confirm & Apply (with a code where the apply needs one).
        case approval
        /// A new code for an apply whose approval's code ran out in the queue.
        case applyCode = "apply_code"
        /// An owner's override of a failed soft-mandatory policy.
        case policyOverride = "policy_override"
    }

    /// One approval that counts.
    struct Approval: Sendable, Equatable {
        let username: String
        /// The device whose code came with it; nil when the apply needed no code.
        let device: String?
        let at: Date
    }

    /// What the person looking may do.
    struct Viewer: Sendable, Equatable {
        let username: String
        /// Whether they may give what the run waits for now.
        let may: Bool
        /// The device whose code they would give (their own registered one, or the organization's shared one).
        let device: String?
        let deviceIsTheirs: Bool
        /// Why not, when they may not.
        let reason: String?
    }

    let need: Need
    /// How many people's approvals the apply needs, and those that count so far.
    let approvalsRequired: Int
    let approvals: [Approval]
    /// Whether the apply needs a code with each approval.
    let applyNeedsCode: Bool
    /// Minutes within which approvers must have signed in at the identity provider, when the environment asks it.
    let signInMinutes: Int?
    let viewer: Viewer?

    var remaining: Int { max(0, approvalsRequired - approvals.count) }

    /// One sentence: what the run waits for.
    var headline: String {
        switch need {
        case .planCode: "Waiting for an AWS MFA token code to start the plan."
        case .applyCode: "Approved; waiting for a new AWS MFA token code to start the apply (the approval's code let it start within an hour)."
        case .policyOverride: "Waiting for an owner to override the failed policy check, with an MFA code and a reason."
        case .approval:
            (approvals.isEmpty ? "Waiting for " : "Approved by \(approvals.count) of \(approvalsRequired); waiting for ")
                + (remaining == 1 ? (approvals.isEmpty && approvalsRequired == 1 ? "Confirm & Apply" : "1 more approval")
                                  : "\(remaining) more approvals")
                + (applyNeedsCode ? ", each with an AWS MFA token code." : ".")
        }
    }

    /// The sentence for the person looking: whether they may, with which device, or why not.
    var viewerLine: String? {
        guard let viewer else { return nil }
        guard viewer.may else { return "You cannot \(verb). \(viewer.reason ?? "")" }
        let device = switch (viewer.device, viewer.deviceIsTheirs) {
        case let (serial?, true): " with a code from your own MFA device (\(serial))"
        case let (serial?, false): " with a code from the organization's shared MFA device (\(serial))"
        default: ""
        }
        let stepUp = signInMinutes.map { " You must have signed in at the identity provider within the last \($0) minutes." } ?? ""
        return "You may \(verb)\(device).\(stepUp)"
    }

    private var verb: String {
        switch need {
        case .planCode: "start the plan"
        case .approval: "approve this apply"
        case .applyCode: "start the apply"
        case .policyOverride: "override the policy check"
        }
    }

    /// Whether the run is in a state where it may wait for people (a cheap test before `of`).
    static func mayWait(_ run: Run) -> Bool {
        [.pending, .planned, .policyOverride, .applyQueued].contains(run.state)
    }

    /// What `run` waits for, seen by `viewer` (nil: nobody in particular), or nil when it waits for no one.
    static func of(_ run: Run, in environment: TerraformEnvironment, viewer: User?, secrets: SecretBox,
                   on database: any Database) async throws -> RunAwaiting? {
        let need: Need
        if run.waitsForPlanCode {
            need = .planCode
        } else if run.waitsForApplyCode {
            need = .applyCode
        } else if run.state == .planned {
            need = .approval
        } else if run.state == .policyOverride {
            need = .policyOverride
        } else {
            return nil
        }
        let runID = try run.requireID()
        let approvals = try await Runs.approvals(of: runID, on: database)
        let applyNeedsCode = MFALevel.stricter(run.mfaLevel, environment.mfaLevel).requiresMFA(for: .apply)
        let devices = try await devicesOfApprovals(runID: runID, planSHA256: run.planSHA256, on: database)
        let counted = approvals.map { Approval(username: $0.username, device: devices[$0.username], at: Date(timeIntervalSince1970: $0.at)) }
        var viewerState: Viewer?
        if let viewer {
            viewerState = try await self.viewer(viewer, need: need, run: run, environment: environment, approvals: counted,
                                                needsCode: need == .approval ? applyNeedsCode : true, secrets: secrets, on: database)
        }
        return RunAwaiting(need: need, approvalsRequired: environment.requiredApprovals(for: run), approvals: counted,
                           applyNeedsCode: applyNeedsCode, signInMinutes: need == .planCode || need == .policyOverride ? nil : environment.approvalSignInMinutes,
                           viewer: viewerState)
    }

    /// The device of each approver's successful apply authentication of this plan.
    private static func devicesOfApprovals(runID: UUID, planSHA256: String?, on database: any Database) async throws -> [String: String] {
        let authentications = try await MFAAuthentication.query(on: database).filter(\.$runID == runID).filter(\.$phase == .apply)
            .filter(\.$succeeded == true).sort(\.$at).all()
        var devices: [String: String] = [:]
        // An owner's code for a policy override is not an approval's.
        for authentication in authentications where authentication.planSHA256 == planSHA256 && authentication.purpose == nil {
            if let serial = authentication.deviceSerial { devices[authentication.username] = serial }
        }
        return devices
    }

    private static func viewer(_ person: User, need: Need, run: Run, environment: TerraformEnvironment, approvals: [Approval],
                               needsCode: Bool, secrets: SecretBox, on database: any Database) async throws -> Viewer {
        let userID = try person.requireID()
        func refused(_ reason: String) -> Viewer {
            Viewer(username: person.username, may: false, device: nil, deviceIsTheirs: false, reason: reason)
        }
        let action: Action = switch need {
        case .planCode: .plan
        case .approval, .applyCode: .approve
        case .policyOverride: .administer
        }
        do {
            let grant = try await Authorizer.authorize(userID, action, run: try run.requireID(), on: database).0
            // An override is an organization owner's, whatever a team may do in the environment (`overridePolicy`).
            if need == .policyOverride { _ = try await Authorizer.authorize(userID, .administer, organization: grant.organizationName, on: database) }
        } catch let refusal as any Refusal {
            return refused(refusal.message)
        }
        if need != .planCode {
            do {
                try Runs.refuseFourEyes(person.username, of: run, in: environment)
            } catch {
                return refused(error.message)
            }
        }
        if need == .approval, approvals.contains(where: { $0.username == person.username }) {
            return refused(RunRefusal.alreadyApproved(approvals: approvals.count, required: environment.requiredApprovals(for: run)).message)
        }
        guard needsCode else { return Viewer(username: person.username, may: true, device: nil, deviceIsTheirs: false, reason: nil) }
        let sources = try await SerialSources.read(for: userID, in: environment.$organization.id, secrets: secrets, on: database)
        switch PersonalMFADevices.source(own: sources.own, environment: environment) {
        case let .own(serial):
            return Viewer(username: person.username, may: true, device: serial, deviceIsTheirs: true, reason: nil)
        case .shared:
            guard let shared = sources.shared else { return refused("The organization has no AWS_MFA_SERIAL_NUMBER, and you registered no MFA device of your own.") }
            return Viewer(username: person.username, may: true, device: shared, deviceIsTheirs: false, reason: nil)
        case .personalDeviceRequired:
            return refused("This environment needs a code from your own MFA device, and you registered none (MFA device, in the header).")
        }
    }
}
