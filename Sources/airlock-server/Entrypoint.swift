import AirlockCLI
import AirlockServerCLI

/// The `airlock-server` executable, which `airlock serve` and `airlock admin` run: the server's commands live
/// in `AirlockServerCLI`.
@main
enum Entrypoint {
    static func main() async {
        CommandLineLogging.bootstrap()
        await AirlockServerCommand.runReportingFailures()
    }
}
