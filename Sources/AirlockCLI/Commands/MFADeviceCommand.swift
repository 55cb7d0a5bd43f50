import AirlockAPIClient
import ArgumentParser
import Foundation

extension Airlock {
    /// `airlock mfa-device show|set|remove --org ORG`: your own MFA device for an organization, through the API.
    struct MFADeviceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mfa-device",
            abstract: "Your own MFA device for an organization: your codes then go to AWS with it, so approvals name you.",
            subcommands: [Show.self, Set.self, Remove.self]
        )

        /// The options every `mfa-device` command takes.
        struct Target: ParsableArguments {
            @OptionGroup var server: ServerOptions

            @Option(help: "The organization.")
            var org: String
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Print your device's serial (or say you use the shared one).")

            @OptionGroup var target: Target

            func run() async throws {
                let (api, org) = (try target.server.api(), target.org)
                do {
                    let device = try await api.call { try await $0.getOwnMFADevice(path: .init(organization: org)).ok.body.json }
                    print(device.serial)
                } catch AirlockAPIError.refused(_, "no_mfa_device", _) {
                    print("(none: your codes go with \(org)'s AWS_MFA_SERIAL_NUMBER)")
                }
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Register or replace your device: its ARN or a hardware token's serial.")

            @OptionGroup var target: Target

            @Argument(help: "arn:aws:iam::ACCOUNT:mfa/NAME, or a hardware token's serial.")
            var serial: String

            func run() async throws {
                let (api, org, serial) = (try target.server.api(), target.org, serial)
                let device = try await api.call {
                    try await $0.setOwnMFADevice(path: .init(organization: org), body: .json(.init(serial: serial))).ok.body.json
                }
                print("Your codes for \(org) now go with \(device.serial).")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove your device; your codes go with the shared serial again.")

            @OptionGroup var target: Target

            func run() async throws {
                let (api, org) = (try target.server.api(), target.org)
                _ = try await api.call { try await $0.removeOwnMFADevice(path: .init(organization: org)).noContent }
                print("Removed your MFA device for \(org).")
            }
        }
    }
}
