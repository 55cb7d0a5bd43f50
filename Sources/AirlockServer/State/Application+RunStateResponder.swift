import Foundation
import NIOCore
import Vapor

extension Application {
    /// The state backend as a run reaches it inside its own network (`RunStateGateway`): each request goes through
    /// this server's own routes and middleware, in process, as if it had come over a socket from loopback.
    var runStateResponder: RunStateGateway.Responder {
        { [self] exchange in
            var headers = HTTPHeaders()
            for header in exchange.headers { headers.add(name: header.name, value: header.value) }
            let eventLoop = eventLoopGroup.any()
            let request = Request(application: self, method: HTTPMethod(rawValue: exchange.method), url: URI(string: exchange.target),
                                  headersNoUpdate: headers, collectedBody: ByteBuffer(bytes: exchange.body),
                                  remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 0), logger: logger, on: eventLoop)
            request.storage[RunStateGatewayRequest.self] = true
            let response = try responder.current.respond(to: request).wait()
            let body = try response.body.collect(on: eventLoop).wait()
            return RunStateGateway.Answer(status: Int(response.status.code), reason: response.status.reasonPhrase,
                                          headers: response.headers.map { ($0.name, $0.value) },
                                          body: body.map { Data($0.readableBytesView) } ?? Data())
        }
    }
}

/// Marks a request a run's state gateway passed on (`Application.runStateResponder`): the only way a run's token is
/// taken where runs have networks of their own (`Application.runStateOnlyThroughGateways`).
struct RunStateGatewayRequest: StorageKey {
    typealias Value = Bool
}

extension Application {
    private struct RunStateOnlyThroughGatewaysKey: StorageKey {
        typealias Value = Bool
    }

    /// Whether runs reach their state only through their gateway (runs have networks of their own): a run's token
    /// on the server's own listener is then refused.
    var runStateOnlyThroughGateways: Bool {
        get { storage[RunStateOnlyThroughGatewaysKey.self] ?? false }
        set { storage[RunStateOnlyThroughGatewaysKey.self] = newValue }
    }
}
