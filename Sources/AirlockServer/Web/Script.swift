import Vapor

/// The one script, served from the binary at `/assets/airlock.js` on every page. Pages work without it; it
/// - shows each `<time>` in the visitor's time zone with how long ago it was, the exact UTC on hover;
/// - asks before a destructive form (`data-confirm`) is sent;
/// - hides a variable's value as it is typed while "Sensitive" is ticked;
/// - keeps a run's page live: while the run is not final it polls the page's `data-live` URL, updates the logs
///   in place, and reloads the page when the state changes (so the buttons match the state), except once one of its
///   forms is sent: the form's own answer (with its message) is then the next page, which a reload would replace.
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
          const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
          function ago(date) {
            const seconds = (date.getTime() - Date.now()) / 1000;
            for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
              if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
            }
            return relative.format(Math.round(seconds), "second");
          }
          for (const time of document.querySelectorAll("time[datetime]")) {
            const date = new Date(time.getAttribute("datetime"));
            if (isNaN(date.getTime())) continue;
            time.title = date.toISOString().replace("T", " ").replace(/\\.\\d+Z$|Z$/, "") + " UTC";
            time.textContent = date.toLocaleString() + " (" + ago(date) + ")";
          }
          for (const form of document.querySelectorAll("form[data-confirm]")) {
            form.addEventListener("submit", function (event) {
              if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
            });
          }
          for (const box of document.querySelectorAll("input[name=sensitive]")) {
            const value = box.form && box.form.querySelector("input[name=value]");
            if (!value) continue;
            const follow = function () { value.type = box.checked ? "password" : "text"; };
            box.addEventListener("change", follow);
            follow();
          }
        })();
        (function () {
          const run = document.querySelector("[data-live]");
          if (!run) return;
          const state = run.getAttribute("data-state");
          let sent = false;
          document.addEventListener("submit", function (event) { if (!event.defaultPrevented) sent = true; });
          async function poll() {
            if (sent) return;
            try {
              const response = await fetch(run.getAttribute("data-live"), { credentials: "same-origin" });
              if (response.ok) {
                const live = await response.json();
                if (sent) return;
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
