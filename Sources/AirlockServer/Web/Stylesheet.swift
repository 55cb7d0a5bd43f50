import Vapor

/// The one stylesheet, served from the binary at `/assets/airlock.css`.
enum Stylesheet {
    static let path: [PathComponent] = ["assets", "airlock.css"]

    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
    }

    static let css = """
        :root { font-family: system-ui, sans-serif; color: #1d2433; background: #f6f7f9; }
        body { margin: 0; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #1d2433; color: #fff; }
        header a { color: #fff; }
        header nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; flex: 1; }
        .brand { font-weight: 700; text-decoration: none; }
        .logout { display: flex; gap: .5rem; align-items: center; }
        main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; margin: 1rem 0; }
        th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid #dde1e8; overflow-wrap: anywhere; }
        .table-scroll { overflow-x: auto; max-width: 100%; }
        .table-scroll table { min-width: 40rem; }
        code, .wrap { overflow-wrap: anywhere; word-break: break-word; }
        code[dir] { unicode-bidi: isolate; }
        img, svg, input, select, textarea, fieldset { max-width: 100%; box-sizing: border-box; }
        form.inline { display: inline; }
        fieldset { border: 1px solid #dde1e8; background: #fff; padding: 1rem; margin: 1rem 0; min-width: 0; }
        textarea { width: 100%; }
        label { display: block; margin: .5rem 0 .25rem; font-weight: 600; }
        input, select, button { font: inherit; padding: .35rem .5rem; }
        button, a.button { cursor: pointer; border: 1px solid #1f4fbf; border-radius: .3rem; background: #2f6fed; color: #fff; font-weight: 600; }
        a.button { display: inline-block; padding: .35rem .75rem; text-decoration: none; }
        button:hover, a.button:hover { background: #1f4fbf; }
        button.danger { border-color: #a40e26; background: #fff; color: #a40e26; }
        button.danger:hover { background: #a40e26; color: #fff; }
        header button { background: transparent; border-color: #fff; }
        tr.destructive td:first-child { color: #a40e26; font-weight: 600; }
        .wide { width: 100%; max-width: 44rem; box-sizing: border-box; }
        :focus-visible { outline: 3px solid #2f6fed; outline-offset: 2px; }
        .flash { padding: .75rem 1rem; border-left: 4px solid; background: #fff; }
        .flash-success { border-color: #1a7f37; }
        .flash-error { border-color: #cf222e; }
        .muted { color: #57606a; }
        .write-only { font-style: italic; color: #57606a; }
        pre.log { background: #0d1117; color: #e6edf3; padding: 1rem; overflow: auto; max-height: 40rem; white-space: pre-wrap; }
        .state { font-weight: 600; padding: .1rem .4rem; border: 1px solid #8c959f; border-radius: .25rem; }
        .state-errored, .state-canceled { border-color: #cf222e; color: #a40e26; }
        .state-applied, .state-planned_and_finished { border-color: #1a7f37; color: #116329; }
        .mfa-lock { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; padding: .5rem .75rem; border: 2px solid #8c959f; background: #fff; }
        .mfa-lock-authenticated { border-color: #1a7f37; color: #116329; }
        .mfa-lock-failed { border-color: #cf222e; color: #a40e26; }
        .mfa-lock-awaiting { border-color: #9a6700; color: #7d4e00; }
        #awaiting { background: #fff; border-left: 4px solid #9a6700; padding: .25rem 1rem; margin: 1rem 0; overflow-wrap: anywhere; }
        #awaiting h2 { font-size: 1.1rem; }
        .awaiting { overflow-wrap: anywhere; }
        .may { color: #116329; font-weight: 600; }
        .may-not { color: #7d4e00; font-weight: 600; }
        @media (max-width: 40rem) {
          header { padding: .5rem .75rem; }
          main { padding: 0 .75rem; margin: 1rem auto; }
          th, td { padding: .4rem .4rem; }
          table { display: block; overflow-x: auto; }
        }
        .field-error { color: #a40e26; font-weight: 600; margin: .25rem 0; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        """
}
