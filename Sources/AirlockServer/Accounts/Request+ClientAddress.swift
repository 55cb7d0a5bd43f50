import Vapor

extension Request {
    /// The client's IP address as this server sees it (the proxy's, behind a reverse proxy).
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
