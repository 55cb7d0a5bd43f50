import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium driven over the W3C WebDriver protocol (Debian's `chromium` and `chromium-driver`),
/// for end-to-end tests of the pages.
public final class WebDriver: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let driver: RunningProcess
    private let base: String
    private let session: String

    /// Starts chromedriver on a free port and opens a headless browser session. The browser resolves no name but
    /// localhost and fetches nothing in the background: a page that links elsewhere (the test OpenID provider's
    /// stylesheet on a CDN) sends no packet off this machine. `acceptInsecureCertificates`: for
    /// a server whose certificate a throwaway test CA issued (Chromium keeps its own trust store).
    public static func start(acceptInsecureCertificates: Bool = false) async throws -> WebDriver {
        // chromedriver cannot pick its own port: another process may take the one found first, so try three.
        var attempt = 0
        var started: (RunningProcess, Int)?
        while started == nil {
            attempt += 1
            let port = try FreePort.find()
            let driver = try RunningProcess("/usr/bin/chromedriver", ["--port=\(port)"], environment: ProcessInfo.processInfo.environment)
            do {
                _ = try await driver.waitFor("ChromeDriver was started successfully")
                started = (driver, port)
            } catch where attempt < 3 && driver.printed.contains("ddress already in use") {
                _ = await driver.stop(signal: SIGKILL)
            }
        }
        guard let (driver, port) = started else { throw Failure(description: "chromedriver did not start") }
        let base = "http://127.0.0.1:\(port)"
        let capabilities = #"{"capabilities":{"alwaysMatch":{"browserName":"chrome","acceptInsecureCerts":"#
            + (acceptInsecureCertificates ? "true" : "false") + #","goog:chromeOptions":{"binary":"/usr/bin/chromium","args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--window-size=1280,1100","--disable-background-networking","--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]}}}}"#
        let response = try await LocalHTTP.send("POST", base + "/session", json: capabilities)
        guard let value = try Self.value(response) as? [String: Any], let session = value["sessionId"] as? String else {
            _ = await driver.stop(signal: SIGKILL)
            throw Failure(description: "chromedriver did not open a session: \(response.body)")
        }
        return WebDriver(driver: driver, base: base, session: session)
    }

    private init(driver: RunningProcess, base: String, session: String) {
        self.driver = driver
        self.base = base
        self.session = session
    }

    public func quit() async {
        _ = try? await LocalHTTP.send("DELETE", "\(base)/session/\(session)")
        // SIGKILL: chromedriver inherits the test runner's blocked SIGTERM; its browser is gone already.
        _ = await driver.stop(signal: SIGKILL)
    }

    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    public func currentURL() async throws -> String {
        try await command("GET", "/url") as? String ?? ""
    }

    /// The page's HTML as the browser has it now.
    public func source() async throws -> String {
        try await command("GET", "/source") as? String ?? ""
    }

    /// Types into the element `css` selects (after clearing it).
    public func type(_ text: String, into css: String) async throws {
        let element = try await find(css)
        _ = try await command("POST", "/element/\(element)/clear", [:])
        _ = try await command("POST", "/element/\(element)/value", ["text": text])
    }

    public func click(_ css: String) async throws {
        _ = try await command("POST", "/element/\(try await find(css))/click", [:])
    }

    /// Runs `script` (a function body; `return` gives its value) in the page, for what the HTML source does not
    /// show: an element's current attributes after the page's script ran, its computed style.
    public func execute(_ script: String) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": [Any]()])
    }

    /// Resizes the window, so the page is laid out as on a phone (390 wide) or a laptop (1280).
    public func setWindowSize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// How much wider the page is than the window (0 when nothing scrolls sideways), and the widest element that
    /// sticks out (outside any box that scrolls on its own), for the failure message.
    public func sidewaysOverflow() async throws -> (pixels: Int, culprit: String) {
        let answer = try await execute("""
            const width = document.documentElement.clientWidth;
            let culprit = '';
            let widest = width;
            const clipped = (element) => {
              for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
                if (getComputedStyle(up).overflowX !== 'visible') { return true; }
              }
              return false;
            };
            for (const element of document.querySelectorAll('body *')) {
              if (clipped(element)) { continue; }
              const right = element.getBoundingClientRect().right;
              if (right > widest + 1) { widest = right; culprit = element.tagName + (element.id ? '#' + element.id : '') + ' ' + (element.className || '') + ' in ' + (element.parentElement ? element.parentElement.tagName : '') + ': ' + (element.textContent || '').slice(0, 60); }
            }
            if (!culprit && document.documentElement.scrollWidth > width) {
              for (const element of document.querySelectorAll('body *')) {
                const box = element.getBoundingClientRect();
                if (box.right > width + 1 || element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX === 'visible') {
                  culprit += element.tagName + (element.id ? '#' + element.id : '') + '(' + Math.round(box.right) + '/' + element.scrollWidth + ') ';
                }
              }
            }
            return [document.documentElement.scrollWidth - width, culprit.slice(0, 600)];
            """) as? [Any] ?? []
        return ((answer.first as? Int) ?? Int((answer.first as? Double) ?? 0), answer.last as? String ?? "")
    }

    /// The text of the dialog (`window.confirm`) the page shows now.
    public func dialogText() async throws -> String {
        try await command("GET", "/alert/text") as? String ?? ""
    }

    /// Answers the page's dialog: OK (`accept`) or Cancel.
    public func answerDialog(accept: Bool) async throws {
        _ = try await command("POST", accept ? "/alert/accept" : "/alert/dismiss", [:])
    }

    /// The PNG of the viewport, written to `test-artifacts/NAME.png` in the checkout.
    @discardableResult
    public func screenshot(_ name: String) async throws -> URL {
        let encoded = try await command("GET", "/screenshot") as? String ?? ""
        let folder = repositoryRoot.appendingPathComponent("test-artifacts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("\(name).png")
        try Data(base64Encoded: encoded)?.write(to: file)
        return file
    }

    /// Waits (without reloading) until the page contains `text`, e.g. after a form's redirect, as long as
    /// the page changes at least every `seconds`; returns the page.
    public func waitFor(_ text: String, seconds: Double = 20) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        while true {
            let page = try await source()
            if page.contains(text) { return page }
            if !deadline.keepWaiting(seeing: page) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "the page never showed \(text): \(try await source())")
    }

    /// Reloads until the page contains `text` (a run finishing, say), as long as the page changes at
    /// least every `seconds`; returns the page.
    public func reload(until text: String, seconds: Double = 120) async throws -> String {
        var deadline = ProgressDeadline(stalledAfter: seconds)
        while true {
            let page = try await source()
            if page.contains(text) { return page }
            if !deadline.keepWaiting(seeing: page) { break }
            try await Task.sleep(for: .milliseconds(500))
            _ = try await command("POST", "/refresh", [:])
        }
        throw Failure(description: "the page never showed \(text): \(try await source())")
    }

    private func find(_ css: String) async throws -> String {
        let value = try await command("POST", "/element", ["using": "css selector", "value": css])
        guard let element = (value as? [String: Any])?.first(where: { $0.key.hasPrefix("element-") })?.value as? String else {
            throw Failure(description: "no element \(css) on \(try await currentURL())")
        }
        return element
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let json = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let response = try await LocalHTTP.send(method, "\(base)/session/\(session)\(path)", json: json)
        return try Self.value(response)
    }

    private static func value(_ response: LocalHTTP.Response) throws -> Any? {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        if response.status >= 400 { throw Failure(description: "WebDriver \(response.status): \(response.body.prefix(500))") }
        return object?["value"]
    }
}
