import AirlockCLI
import ArgumentParser

/// `airlock-server`: the server's commands, which `airlock serve` and `airlock admin` run. Named `airlock` in its
/// usage lines, as people type it.
public struct AirlockServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "The Airlock server: airlock serve, airlock admin.",
        version: Airlock.version,
        subcommands: [Serve.self, Admin.self]
    )

    public init() {}
}
