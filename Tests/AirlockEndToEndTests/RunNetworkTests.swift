import AirlockTesting
import Foundation
import Testing

/// Each run phase has a network of its own and reaches the outside only through Airlock's proxy, which checks each
/// destination: public addresses and what the operator allowed, never the server's loopback, the instance metadata
/// service, private addresses or another environment's state. The server and the test STS run in a network namespace
/// this test makes, the stand-ins in a second one beside it (`TestNetworkNamespace`), joined to nothing else, so
/// nothing leaves this machine. Through the real Terraform 1.15, the real `hashicorp/aws` provider, the real sandbox.
@Suite(.serialized) struct RunNetworkTests {
    static let metadata = "169.254.169.254"
    static let privateService = "10.77.0.2"
    static let allowedService = "10.77.0.3"
    /// A public address (of 11.0.0.0/8; the documentation ranges are not public to Airlock), here only in the test's
    /// second namespace, which has no route out: the registry and a web server.
    static let publicHost = "11.0.1.10"
    /// The server's own address towards the world (a public one, `TestNetworkNamespace`'s link): the machine itself,
    /// which runs do not reach.
    static let serverAddress = "11.0.0.1"

    /// Stand-ins: plain HTTP servers that answer `STANDIN <address>`, and a Terraform module registry over HTTPS; each
    /// request they get is printed as `HIT <address> <path>`.
    static let standIns = """
        import http.server, io, json, ssl, sys, tarfile, threading
        certificate, key = sys.argv[1], sys.argv[2]
        module = io.BytesIO()
        with tarfile.open(fileobj=module, mode="w:gz") as archive:
            text = b'output "greeting" { value = "from the registry stand-in" }\\n'
            entry = tarfile.TarInfo("main.tf")
            entry.size = len(text)
            archive.addfile(entry, io.BytesIO(text))
        routes = {
            "/.well-known/terraform.json": (200, {"Content-Type": "application/json"}, json.dumps({"modules.v1": "/v1/modules/"}).encode()),
            "/v1/modules/acme/probe/null/versions": (200, {"Content-Type": "application/json"},
                                                     json.dumps({"modules": [{"versions": [{"version": "1.0.0"}]}]}).encode()),
            "/v1/modules/acme/probe/null/1.0.0/download": (204, {"X-Terraform-Get": "/archives/probe.tar.gz"}, b""),
            "/archives/probe.tar.gz": (200, {"Content-Type": "application/gzip"}, module.getvalue()),
        }
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                address = self.server.server_address[0]
                print("HIT", address, self.path, flush=True)
                if self.server.registry:
                    status, headers, body = routes.get(self.path, (404, {}, b"not found"))
                else:
                    status, headers, body = 200, {"Content-Type": "text/plain"}, ("STANDIN " + address + "\\n").encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        servers = []
        for spec in sys.argv[3:]:
            address, port, kind = spec.split(",")
            server = http.server.ThreadingHTTPServer((address, int(port)), Handler)
            server.registry = kind == "registry"
            if server.registry:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(certificate, key)
                server.socket = context.wrap_socket(server.socket, server_side=True)
            servers.append(server)
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        print("READY", flush=True)
        threading.Event().wait()
        """

    /// What the apply's provisioner tries: each URL through the proxy (as every tool that honours HTTP_PROXY does), or
    /// straight (`direct:`), printing REACHED with the answer or BLOCKED with why.
    static let probe = """
        import sys, urllib.error, urllib.request
        for target in sys.argv[1:]:
            direct = target.startswith("direct:")
            url = target[len("direct:"):] if direct else target
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({})) if direct else urllib.request.build_opener()
            try:
                answer = opener.open(url, timeout=20).read().decode().strip()
                print("REACHED", target, answer, flush=True)
            except urllib.error.HTTPError as error:
                print("BLOCKED", target, error.code, flush=True)
            except Exception as error:
                print("BLOCKED", target, type(error).__name__, flush=True)
        """

    @Test func aRunReachesPublicAndAllowedDestinationsOnlyAndItsOwnState() async throws {
        let network = try await TestNetworkNamespace(worldAddresses: [Self.metadata, Self.privateService, Self.allowedService, Self.publicHost],
                                                     hosts: ["registry.test": Self.publicHost, "metadata.test": Self.metadata])
        defer { network.remove() }
        let authority = try await TestCertificateAuthority.make(names: ["DNS:registry.test"])
        defer { authority.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cliConfiguration = folder.appendingPathComponent("terraformrc")
        try Data("""
            provider_installation {
              filesystem_mirror {
                path    = "\(PlanToApplyIsolationTests.mirror)"
                include = ["registry.terraform.io/hashicorp/aws"]
              }
            }

            """.utf8).write(to: cliConfiguration)

        let standIns = try RunningProcess(network.worldPrefix[0], Array(network.worldPrefix.dropFirst()) + [
            "python3", "-c", Self.standIns, authority.serverCertificateFile.path, authority.serverKeyFile.path,
            "\(Self.metadata),80,plain", "\(Self.privateService),8080,plain", "\(Self.allowedService),8080,plain",
            "\(Self.publicHost),8080,plain", "\(Self.publicHost),443,registry",
        ], environment: ProcessInfo.processInfo.environment)
        defer { Task { _ = await standIns.stop(signal: SIGKILL) } }
        _ = try await standIns.waitFor("READY")
        let stsBinary = URL(fileURLWithPath: AirlockBinary.path).deletingLastPathComponent().appendingPathComponent("airlock-test-sts").path
        let sts = try RunningProcess(network.prefix[0], Array(network.prefix.dropFirst()) + [stsBinary], environment: [:])
        defer { Task { _ = await sts.stop() } }
        let described = try await sts.waitFor("}\n")  // the whole JSON line
        let line = try #require(described.split(separator: "\n").first { $0.contains("endpoint") })
        let user = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        let stsEndpoint = try #require(user["endpoint"])
        let stsPort = try #require(URL(string: stsEndpoint)?.port)

        var bridge: RunningProcess?
        defer { if let bridge { Task { _ = await bridge.stop(signal: SIGKILL) } } }
        let arguments = RunWorld.fast + ["--sts-endpoint", stsEndpoint, "--sandbox-read-only", PlanToApplyIsolationTests.mirror,
                                         "--run-network-allow", "127.0.0.1:\(stsPort)", "--run-network-allow", "\(Self.allowedService):8080"]
        try await RunWorld.with(serveArguments: arguments,
                                environment: ["TF_CLI_CONFIG_FILE": cliConfiguration.path, "SSL_CERT_FILE": authority.certificateFile.path],
                                launchPrefix: network.prefix, reach: { printed in
            let (process, address) = try await network.bridge(to: URL(string: printed)?.port ?? 0)
            bridge = process
            return address
        }) { world in
            let serverPort = try #require(world.server.printed.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:([0-9]+)/)?.1).description
            for (key, value, sensitive) in [("AWS_ACCESS_KEY_ID", user["access_key_id"] ?? "", false),
                                            ("AWS_SECRET_ACCESS_KEY", user["secret_access_key"] ?? "", true),
                                            ("AWS_MFA_SERIAL_NUMBER", user["mfa_serial"] ?? "", false)] {
                let saved = try await world.call("PUT", "/organizations/acme/variables/\(key)", json: #"{"value":"\#(value)","sensitive":\#(sensitive)}"#)
                #expect(saved.status == 200, "\(saved.body)")
            }
            let targets = ["http://\(Self.metadata)/latest/meta-data/", "http://metadata.test/latest/meta-data/",
                           "http://\(Self.privateService):8080/", "http://\(Self.allowedService):8080/", "http://\(Self.publicHost):8080/",
                           "http://127.0.0.1:\(serverPort)/healthz", "direct:http://127.0.0.1:\(serverPort)/healthz",
                           "http://\(Self.serverAddress):\(serverPort)/healthz",
                           "direct:http://127.0.0.1/state/other/prod", "direct:http://127.0.0.1/state/acme/prod"]
            #expect(try await world.upload(["main.tf": """
                terraform {
                  required_providers {
                    aws = { source = "hashicorp/aws" }
                  }
                }
                module "probe" {
                  source  = "registry.test/acme/probe/null"
                  version = "1.0.0"
                }
                provider "aws" {
                  region                      = "us-east-1"
                  skip_credentials_validation = true
                  skip_requesting_account_id  = true
                  skip_metadata_api_check     = true
                  skip_region_validation      = true
                  endpoints {
                    sts = "http://127.0.0.1:\(stsPort)"
                  }
                }
                data "aws_caller_identity" "me" {}
                output "caller" { value = data.aws_caller_identity.me.arn }
                output "greeting" { value = module.probe.greeting }
                resource "terraform_data" "probe" {
                  provisioner "local-exec" {
                    command = "python3 probe.py \(targets.joined(separator: " "))"
                  }
                }
                """, "probe.py": Self.probe]).status == 201)
            let run = try await world.queue()
            try await world.expect(run, reaches: "planned")
            let plan = try await world.log(run, "plan")
            #expect(plan.contains("registry.test/acme/probe/null 1.0.0"), "the module came from the registry stand-in: \(plan)")
            #expect(plan.contains(#"greeting = "from the registry stand-in""#), "\(plan)")
            #expect(plan.contains(#"caller   = "arn:aws:"#), "the provider called the test STS: \(plan)")
            #expect(try await world.action(run, "confirm").status == 200)
            try await world.expect(run, reaches: "applied")
            let apply = try await world.log(run, "apply")

            func outcome(_ target: String) -> String {
                apply.split(separator: "\n").first { $0.contains("(local-exec): REACHED \(target) ") || $0.contains("(local-exec): BLOCKED \(target) ") }
                    .map(String.init) ?? "no line for \(target)"
            }
            #expect(outcome("http://\(Self.metadata)/latest/meta-data/").contains("BLOCKED"), "\(apply)")
            #expect(apply.contains("Network: refused a connection to \(Self.metadata) port 80: a link-local (cloud instance metadata) address"), "\(apply)")
            #expect(outcome("http://metadata.test/latest/meta-data/").contains("BLOCKED"), "\(apply)")
            #expect(apply.contains("Network: refused a connection to metadata.test (\(Self.metadata)) port 80"), "\(apply)")
            #expect(outcome("http://\(Self.privateService):8080/").contains("BLOCKED"), "\(apply)")
            #expect(apply.contains("Network: refused a connection to \(Self.privateService) port 8080: a private address"), "\(apply)")
            #expect(outcome("http://\(Self.allowedService):8080/").contains("REACHED http://\(Self.allowedService):8080/ STANDIN \(Self.allowedService)"), "\(apply)")
            #expect(outcome("http://\(Self.publicHost):8080/").contains("STANDIN \(Self.publicHost)"), "\(apply)")
            #expect(outcome("http://127.0.0.1:\(serverPort)/healthz").contains("BLOCKED"), "\(apply)")
            #expect(apply.contains("Network: refused a connection to 127.0.0.1 port \(serverPort): a loopback address"), "\(apply)")
            #expect(apply.contains("Network: refused a connection to \(Self.serverAddress) port \(serverPort): this machine's own address"), "\(apply)")
            #expect(outcome("direct:http://127.0.0.1:\(serverPort)/healthz").contains("BLOCKED"), "the run's loopback is its own: \(apply)")
            #expect(outcome("direct:http://127.0.0.1/state/other/prod").contains("BLOCKED direct:http://127.0.0.1/state/other/prod 403"), "\(apply)")
            #expect(apply.contains("Network: refused GET /state/other/prod on the state backend"), "\(apply)")
            // An empty state answers 204, so the line ends at the target.
            #expect(apply.contains("(local-exec): REACHED direct:http://127.0.0.1/state/acme/prod"),
                    "its own state answers the run, which holds no credential (its gateway adds the phase's): \(apply)")
            let hits = standIns.printed
            #expect(!hits.contains("HIT \(Self.metadata) ") && !hits.contains("HIT \(Self.privateService) "), "refused stand-ins got nothing: \(hits)")
            #expect(hits.contains("HIT \(Self.allowedService) ") && hits.contains("HIT \(Self.publicHost) /v1/modules/"), "\(hits)")
        }
    }
}
