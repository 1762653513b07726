"""Drives frontend/demo.html in headless Chromium to check the built editor bundle.

Not part of the pytest suite (it needs Debian's chromium). Run it from anywhere:

    /work/main/.venv/bin/python frontend/check.py [--screenshots DIR]

It serves the repository on 127.0.0.1, loads the demo under a strict Content
Security Policy and checks the editor's contract with the templates (see
frontend/README.md): mounting, labels, syncing back to the textarea, the
debounced events, findings on the exact span (astral characters included),
findings read from the page after a swap, go-to, format, copy, Escape-then-Tab,
share-state encoding that Python can read, and no console errors. Exits non-zero
on the first failed check.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import sys
import threading
import zlib
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
API = "window.RoleCallEditor"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/favicon.ico":
            # The browser asks for it on its own; the demo has none.
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(REPO))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/frontend/demo.html"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"ok  {what}")


def marked_spans(page: Page, editor_id: str, css_class: str) -> list[dict]:
    """Text and 1-based line number of every element with `css_class` in an editor."""
    return page.evaluate(
        """([id, cls]) => {
            const view = window.RoleCallEditor.getView(id);
            return [...view.contentDOM.querySelectorAll('.' + cls)].map((el) => ({
                text: el.textContent,
                line: view.state.doc.lineAt(view.posAtDOM(el)).number,
            }));
        }""",
        [editor_id, css_class],
    )


def run(page: Page, url: str, screenshots: Path) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.add_init_script(
        """
        window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
        window.__events = {input: 0, policyChange: 0, detail: null};
        document.addEventListener('input', (e) => {
            if (e.target.id === 'policy') window.__events.input++;
        });
        document.addEventListener('policy-change', (e) => {
            window.__events.policyChange++;
            window.__events.detail = e.detail;
        });
        """
    )
    page.goto(url)
    # Functions, not expressions: Playwright would eval() an expression, which the CSP refuses.
    page.wait_for_function(
        "() => window.RoleCallEditor && document.querySelectorAll('.rc-editor .cm-editor').length"
    )

    _check_mounting(page, screenshots)
    _check_typing(page)
    _check_findings(page)
    _check_findings_after_swap(page)
    _check_keyboard_and_format(page)
    _check_format(page)
    _check_label_reset_and_json_script(page)
    _check_copy_share_and_theme(page, screenshots)

    # --- Nothing went wrong ----------------------------------------------------------
    violations = page.evaluate("window.__violations")
    check(violations == [], f"no Content Security Policy violations: {violations}")
    check(errors == [], f"no console errors: {errors}")


def _check_mounting(page: Page, screenshots: Path) -> None:
    """Mounting, labels, and the findings rendered into the page applied on load."""
    # --- Mounting and labels ---------------------------------------------------
    mounted = page.evaluate(
        """() => {
            const t = document.getElementById('policy');
            const wrapper = t.nextElementSibling;
            const content = wrapper.querySelector('.cm-content');
            const label = document.getElementById(content.getAttribute('aria-labelledby'));
            const described = content.getAttribute('aria-describedby').split(' ')
                .map((id) => document.getElementById(id).textContent);
            const style = [...document.querySelectorAll('style')];
            return {
                hidden: t.hidden, ariaHidden: t.getAttribute('aria-hidden'),
                wrapperClass: wrapper.className, label: label && label.textContent,
                described, editors: document.querySelectorAll('.rc-editor').length,
                styleNonces: style.map((s) => s.nonce),
                readonly: document.querySelector('#example + .rc-editor .cm-content')
                    .getAttribute('aria-readonly'),
            };
        }"""
    )
    check(mounted["hidden"] and mounted["ariaHidden"] == "true", "the textarea is hidden")
    check(mounted["wrapperClass"] == "rc-editor", "the editor sits right after its textarea")
    check(mounted["label"] == "Trust policy", "the editor is labelled by the textarea's label")
    check(
        mounted["described"][0] == "The role's trust policy, as JSON."
        and "Escape, then Tab" in mounted["described"][1],
        "the editor keeps the textarea's description and says how to leave it",
    )
    check(mounted["editors"] == 2, "both policy textareas got an editor")
    check(
        mounted["styleNonces"] and all(n == "demo-nonce-4f2a" for n in mounted["styleNonces"]),
        "CodeMirror's style element carries the CSP nonce",
    )
    check(mounted["readonly"] == "true", "data-readonly makes a read-only editor")

    # --- Findings rendered into the page are applied on load -------------------
    spans = marked_spans(page, "policy", "rc-finding-security-warning")
    check(
        spans == [{"text": '"StringEquals"', "line": 10}],
        f"the page's security warning marks line 10 exactly: {spans}",
    )
    check(
        page.locator(".rc-gutter-security .cm-lint-marker-warning").count() == 1,
        "the security warning has its own gutter mark",
    )
    page.screenshot(path=str(screenshots / "editor-light.png"), full_page=True)


def _check_typing(page: Page) -> None:
    """Typing syncs the textarea; its events are debounced."""
    page.evaluate("window.__events.input = 0; window.__events.policyChange = 0")
    page.locator("#policy + .rc-editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n")
    page.keyboard.type("  ")
    page.wait_for_timeout(600)
    events = page.evaluate("window.__events")
    check(
        events["input"] == 1 and events["policyChange"] == 1,
        f"typing fires one input and one policy-change event after a pause: {events}",
    )
    synced = page.evaluate(
        f"""() => document.getElementById('policy').value === {API}.getValue('policy')
            && new FormData(document.getElementById('policy-form')).get('policy')
               === {API}.getValue('policy')"""
    )
    check(synced, "the textarea (and so the form) holds the editor's text")
    check(events["detail"]["value"].endswith("}\n  "), "policy-change carries the text")


def _demo_findings(sid_line: int, comma: int, action_line: int, action_col: int) -> list[dict]:
    """A warning after an emoji, an error on the action, a suggestion on line 2."""
    return [
        {
            "code": "SID_PUNCTUATION",
            "severity": "warning",
            "message": "A comma",
            "line": sid_line,
            "column": comma + 1,
            "end_line": sid_line,
            "end_column": comma + 2,
        },
        {
            "code": "MISMATCHED_ACTION_FOR_PRINCIPAL",
            "severity": "error",
            "message": "Wrong action",
            "line": action_line,
            "column": action_col,
            "end_line": action_line,
            "end_column": action_col + len('"sts:AssumeRoleWithWebIdentity"'),
        },
        {
            "code": "SUGGEST_SID",
            "severity": "suggestion",
            "message": "A suggestion",
            "line": 2,
            "column": 3,
            "end_line": 2,
            "end_column": 12,
        },
    ]


def _check_findings(page: Page) -> None:
    """setFindings on exact spans, and findings after an htmx-style swap."""
    # --- setFindings: the exact span, astral characters counted as Python does --
    text = page.evaluate(f"{API}.getValue('policy')")
    lines = text.split("\n")
    sid_line = next(i for i, line in enumerate(lines, 1) if "GitHubDeploy" in line)
    sid_text = lines[sid_line - 1]
    # Python columns: code points, 1-based; the span is the comma after the emoji.
    comma = sid_text.index('",') + 1
    action_line = next(i for i, line in enumerate(lines, 1) if '"Action"' in line)
    action_col = lines[action_line - 1].index('"sts:') + 1
    findings = _demo_findings(sid_line, comma, action_line, action_col)
    placed = page.evaluate(f"(f) => {API}.setFindings('policy', f)", findings)
    check(placed == 3, "setFindings places every finding")
    warnings = marked_spans(page, "policy", "rc-finding-warning")
    check(
        warnings == [{"text": ",", "line": sid_line}],
        f"a column after an emoji lands on the right character: {warnings}",
    )
    errors_marked = marked_spans(page, "policy", "cm-lintRange-error")
    check(
        errors_marked == [{"text": '"sts:AssumeRoleWithWebIdentity"', "line": action_line}],
        f"the error marks the action on line {action_line}: {errors_marked}",
    )
    check(
        marked_spans(page, "policy", "cm-lintRange-info") == [{"text": '"Version"', "line": 2}],
        "a suggestion is an info mark",
    )
    gutter = page.evaluate(
        """() => [...document.querySelectorAll('#policy + .rc-editor .cm-lint-marker')]
            .map((m) => m.className)"""
    )
    check(
        sorted(gutter)
        == sorted(
            [
                "cm-lint-marker cm-lint-marker-warning",
                "cm-lint-marker cm-lint-marker-error",
                "cm-lint-marker cm-lint-marker-info",
            ]
        ),
        f"each finding has a gutter mark: {gutter}",
    )
    check(
        page.locator(".rc-gutter-security").count() == 0,
        "replacing the findings removes the old security mark",
    )


def _check_findings_after_swap(page: Page) -> None:
    """An htmx-style swap: new findings data, and a new textarea."""
    page.evaluate(
        """() => {
            const target = document.getElementById('swap-target');
            target.innerHTML = `
              <div data-findings-for="policy"><script type="application/json"
                class="findings-data">{"findings": [{"code": "JSON_SYNTAX_ERROR",
                "severity": "error", "message": "x", "line": 1, "column": 1,
                "end_line": 1, "end_column": 2}]}</` + `script></div>
              <label for="swapped">Swapped policy</label>
              <textarea data-policy-editor name="swapped" id="swapped">{}</textarea>`;
            document.body.dispatchEvent(new CustomEvent('htmx:afterSwap', {bubbles: true}));
        }"""
    )
    check(
        marked_spans(page, "policy", "cm-lintRange-error") == [{"text": "{", "line": 1}],
        "findings in a swapped fragment replace the old ones",
    )
    check(
        page.evaluate(
            "() => !!document.querySelector('#swapped + .rc-editor .cm-editor')"
            " && document.getElementById('swapped').hidden"
        ),
        "a textarea added by a swap is mounted",
    )
    page.evaluate("() => document.body.dispatchEvent(new CustomEvent('htmx:load'))")
    check(
        page.locator(".rc-editor").count() == 3
        and marked_spans(page, "policy", "cm-lintRange-error") == [{"text": "{", "line": 1}],
        "a second swap event mounts nothing twice and re-applies nothing",
    )
    page.evaluate("() => { document.getElementById('swap-target').innerHTML = ''; }")
    check(page.evaluate(f"{API}.mountAll()") == [], "mountAll() finds nothing new to mount")


def _check_keyboard_and_format(page: Page) -> None:
    """Go to a finding; Tab indents, Escape then Tab leaves."""
    # --- Go to a finding ---------------------------------------------------------
    page.locator("a[data-goto-line]").click()
    cursor = page.evaluate(f"{API}.getCursor('policy')")
    focused = page.evaluate(
        "() => document.activeElement.closest('.rc-editor')?.dataset.editorFor ?? null"
    )
    check(cursor == {"line": 10, "column": 9}, f"clicking a finding moves the cursor: {cursor}")
    check(focused == "policy", "clicking a finding focuses the editor")
    check(page.evaluate("location.hash") == "", "the finding link does not jump to the textarea")

    # --- Keyboard: Tab indents, Escape then Tab leaves --------------------------
    before = page.evaluate(f"{API}.getValue('policy')")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    after = page.evaluate(f"{API}.getValue('policy')")
    still_in = page.evaluate("() => !!document.activeElement.closest('#policy + .rc-editor')")
    check(after != before and still_in, "Tab indents and keeps focus in the editor")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    left = page.evaluate(
        "() => ({inEditor: !!document.activeElement.closest('.rc-editor'),"
        " text: document.activeElement.textContent})"
    )
    check(
        not left["inEditor"] and left["text"] == "Format document",
        f"Escape then Tab moves focus to the next control: {left}",
    )
    check(page.evaluate(f"{API}.getValue('policy')") == before, "Shift+Tab undid the indent")


def _check_format(page: Page) -> None:
    """The format button and shortcut; invalid JSON left alone."""
    page.evaluate(f"""{API}.setValue('policy', '{{"a":1,"a":[ ]}}')""")
    page.locator("[data-editor-format]").click()
    check(
        page.evaluate(f"{API}.getValue('policy')") == '{\n  "a": 1,\n  "a": []\n}',
        "the format button pretty-prints, keeping duplicate keys",
    )
    page.evaluate(f"""{API}.setValue('policy', '{{"b":[1,2]}}')""")
    page.locator("#policy + .rc-editor .cm-content").focus()
    page.keyboard.press("Shift+Alt+KeyF")
    check(
        page.evaluate(f"{API}.getValue('policy')") == '{\n  "b": [\n    1,\n    2\n  ]\n}',
        "Shift+Alt+F formats from the keyboard",
    )
    page.evaluate(f"""{API}.setValue('policy', '{{"a": 1,}}')""")
    check(page.evaluate(f"{API}.format('policy')") is False, "format() refuses invalid JSON")
    check(page.evaluate(f"{API}.getValue('policy')") == '{"a": 1,}', "invalid JSON is left alone")


def _check_label_reset_and_json_script(page: Page) -> None:
    """Escape then Shift+Tab, the label, a form reset, findings from json_script."""
    # --- Escape then Shift+Tab also leaves; the label focuses the editor ----------
    page.locator("#policy + .rc-editor .cm-content").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    check(
        not page.evaluate("() => !!document.activeElement.closest('.rc-editor')"),
        "Escape then Shift+Tab leaves the editor backwards",
    )
    page.locator("label[for=policy]").click()
    check(
        page.evaluate("() => !!document.activeElement.closest('#policy + .rc-editor')"),
        "clicking the label focuses the editor",
    )

    # --- A form reset puts the default text back ---------------------------------
    default_text = page.evaluate("document.getElementById('policy').defaultValue")
    page.evaluate("document.getElementById('policy-form').reset()")
    page.wait_for_timeout(100)  # the editor reads the textarea once the reset is done
    check(
        page.evaluate(f"{API}.getValue('policy')") == default_text,
        "resetting the form resets the editor",
    )

    # --- Findings from Django's json_script (no class) ----------------------------
    page.evaluate(
        """() => {
            document.getElementById('swap-target').innerHTML =
              `<div data-findings-for="policy"><script type="application/json">[{"code": "A",
               "severity": "suggestion", "message": "m", "line": 3, "column": 3,
               "end_line": 3, "end_column": 14}]</` + `script></div>`;
            document.body.dispatchEvent(new CustomEvent('htmx:load', {bubbles: true}));
            document.getElementById('swap-target').innerHTML = '';
        }"""
    )
    check(
        marked_spans(page, "policy", "cm-lintRange-info") == [{"text": '"Statement"', "line": 3}],
        "a json_script block without the class is read too",
    )


def _check_copy_share_and_theme(page: Page, screenshots: Path) -> None:
    """Copy, the read-only editor, share state read by Python, dark theme and a phone."""
    # --- Copy --------------------------------------------------------------------
    page.evaluate(f"{API}.setValue('policy', '{{\"copied\": true}}')")
    page.locator("[data-editor-copy]").click()
    page.wait_for_function(
        "() => document.querySelector('.rc-editor-status')?.textContent === 'Copied'"
    )
    clipboard = page.evaluate("navigator.clipboard.readText()")
    check(clipboard == '{"copied": true}', "the copy button copies the text and says so")

    # --- Read-only editor ----------------------------------------------------------
    readonly_before = page.evaluate(f"{API}.getValue('example')")
    page.locator("#example + .rc-editor .cm-content").click()
    page.keyboard.type("xyz")
    check(
        page.evaluate(f"{API}.getValue('example')") == readonly_before,
        "a read-only editor ignores typing",
    )

    # --- Share state, read by Python ------------------------------------------------
    state = {"policy": '{"Version": "2012-10-17"}', "tab": "trace", "note": "𝒜 é"}
    encoded = page.evaluate(f"(s) => {API}.encodeState(s)", state)
    data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    check(json.loads(zlib.decompress(data, -15)) == state, "Python decodes the share state")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = compressor.compress(json.dumps(state).encode()) + compressor.flush()
    from_python = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    check(
        page.evaluate(f"(s) => {API}.decodeState(s)", from_python) == state,
        "the editor decodes Python's share state",
    )

    # --- Dark theme and a phone-sized screen ------------------------------------------
    page.emulate_media(color_scheme="dark")
    page.evaluate(f"{API}.setValue('policy', document.getElementById('example').value)")
    page.evaluate(f"{API}.format('policy')")
    page.evaluate(
        f"""{API}.setFindings('policy', [{{code: "X", severity: "security_warning",
            message: "m", line: 5, column: 7, end_line: 5, end_column: 16}}])"""
    )
    background = page.evaluate(
        "getComputedStyle(document.querySelector('#policy + .rc-editor .cm-editor'))"
        ".backgroundColor"
    )
    check(background == "rgb(23, 24, 28)", f"the editor follows the dark palette: {background}")
    page.screenshot(path=str(screenshots / "editor-dark.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    page.emulate_media(color_scheme="light")
    page.screenshot(path=str(screenshots / "editor-phone.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    check(not overflow, "no sideways scrolling on a phone-sized screen")


def run_axe(browser, url: str, axe_source: str) -> None:
    """axe-core on the demo, light and dark, wide and phone-sized, with findings
    shown, the lint panel open and a finding's tooltip showing."""
    for scheme in ("light", "dark"):
        for width in (1100, 375):
            # axe is injected as an inline script, which the demo's CSP would refuse.
            context = browser.new_context(
                bypass_csp=True, color_scheme=scheme, viewport={"width": width, "height": 800}
            )
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => document.querySelectorAll('.rc-editor').length === 2")
            page.evaluate(
                """() => window.RoleCallEditor.setFindings('policy', [
                    {code: 'E', severity: 'error', message: 'e', line: 2, column: 3,
                     end_line: 2, end_column: 12},
                    {code: 'S', severity: 'security_warning', message: 's', line: 5,
                     column: 7, end_line: 5, end_column: 12},
                    {code: 'W', severity: 'warning', message: 'w', line: 6, column: 7,
                     end_line: 6, end_column: 15},
                    {code: 'I', severity: 'suggestion', message: 'i', line: 8, column: 7,
                     end_line: 8, end_column: 15}])"""
            )
            page.locator("#policy + .rc-editor .cm-content").click()
            page.keyboard.press("Control+Shift+KeyM")  # the lint panel
            page.locator(".cm-lintRange-error").hover()
            page.wait_for_selector(".cm-tooltip-lint")
            page.add_script_tag(content=axe_source)
            violations = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']}))
                    .violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target).join(', '))"""
            )
            check(violations == [], f"axe-core finds nothing ({scheme}, {width}px): {violations}")
            context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, default=Path("/tmp/rolecall-editor-check"))
    parser.add_argument(
        "--axe",
        type=Path,
        help="path to axe-core's axe.min.js: also run axe-core and fail on any violation",
    )
    args = parser.parse_args()
    args.screenshots.mkdir(parents=True, exist_ok=True)
    server, url = serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.grant_permissions(
                ["clipboard-read", "clipboard-write"], origin=url.split("/frontend")[0]
            )
            try:
                run(context.new_page(), url, args.screenshots)
                if args.axe:
                    run_axe(browser, url, args.axe.read_text(encoding="utf-8"))
            finally:
                browser.close()
    except AssertionError as failure:
        print(f"FAIL {failure}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
    print(f"all checks passed; screenshots in {args.screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
