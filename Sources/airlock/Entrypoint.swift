import AirlockCLI
import ArgumentParser

/// The `airlock` executable: every command lives in `AirlockCLI`.
@main
enum Entrypoint {
    static func main() async {
        await Airlock.main(nil)
    }
}
