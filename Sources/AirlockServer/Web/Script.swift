import Vapor

/// The one script, served from the binary at `/assets/airlock.js`. Pages work without it; it only keeps a
/// run's page live: while the run is not final it polls the page's `data-live` URL, updates the logs in
/// place, and reloads the page when the state changes (so the buttons match the state).
enum Script {
    static let path: [PathComponent] = ["assets", "airlock.js"]

    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: source))
    }

    static let source = """
        "use strict";
        (function () {
          const run = document.querySelector("[data-live]");
          if (!run) return;
          const state = run.getAttribute("data-state");
          async function poll() {
            try {
              const response = await fetch(run.getAttribute("data-live"), { credentials: "same-origin" });
              if (response.ok) {
                const live = await response.json();
                if (live.state !== state) { window.location.reload(); return; }
                for (const phase of ["plan", "apply"]) {
                  const log = document.getElementById(phase + "-log");
                  const text = live[phase + "Log"];
                  if (log && text && log.textContent !== text) {
                    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
                    log.textContent = text;
                    if (atBottom) log.scrollTop = log.scrollHeight;
                  }
                }
              }
            } catch (error) { /* the next poll tries again */ }
            setTimeout(poll, 1500);
          }
          setTimeout(poll, 1500);
        })();
        """
}
