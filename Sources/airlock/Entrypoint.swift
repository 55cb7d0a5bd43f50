import AirlockCLI

/// The `airlock` executable: every command lives in `AirlockCLI`; `serve` and `admin` run `airlock-server`.
@main
enum Entrypoint {
    static func main() async {
        CommandLineLogging.bootstrap()
        await Airlock.runReportingFailures()
    }
}
