import Vapor

extension Application {
    private struct RunWorkersKey: StorageKey {
        typealias Value = RunWorkers
    }

    /// This server's run workers, once started (nil in `airlock admin`, which runs no Terraform).
    var runWorkers: RunWorkers? {
        get { storage[RunWorkersKey.self] }
        set { storage[RunWorkersKey.self] = newValue }
    }
}
