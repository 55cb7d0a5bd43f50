import AirlockAPIClient
import AirlockAWS
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
            static let configuration = CommandConfiguration(
                commandName: "set", abstract: "Register or replace your device: its ARN or a hardware token's serial.",
                discussion: "You prove the device is yours with two consecutive codes from it: asked on the terminal without echo, or given with --code twice.")

            @OptionGroup var target: Target

            @Argument(help: "arn:aws:iam::ACCOUNT:mfa/NAME, or a hardware token's serial.")
            var serial: String

            @Option(name: .customLong("code"), help: ArgumentHelp("A code the device shows; give two consecutive ones.", valueName: "code"))
            var codes: [String] = []

            func validate() throws {
                guard codes.isEmpty || codes.count == 2 else { throw ValidationError("Give --code twice (two consecutive codes), or none to be asked.") }
            }

            func run() async throws {
                let (api, org, serial) = (try target.server.api(), target.org, serial)
                let codes = try self.codes.isEmpty ? Self.askForTwoCodes(serial: serial) : self.codes
                let device = try await api.call {
                    try await $0.setOwnMFADevice(path: .init(organization: org), body: .json(.init(serial: serial, codes: codes))).ok.body.json
                }
                print("Your codes for \(org) now go with \(device.serial).")
            }

            /// Two codes asked on the terminal without echo: the one the device shows, then the next.
            static func askForTwoCodes(serial: String) throws -> [String] {
                let prompt = MFACodeSource(flagCode: nil)
                let request = MFACodeRequest(serial: serial, profile: "")
                do {
                    let first = try prompt.code(for: request)
                    FileHandle.standardError.write(Data("Wait for the device's next code.\n".utf8))
                    return [first, try prompt.code(for: request)]
                } catch CredentialError.mfaCodeUnavailable {
                    throw CLIError("Registering \(serial) needs two consecutive codes from it, but there is no terminal to ask on: give --code twice.")
                }
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
