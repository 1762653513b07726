"""Markdown to safe HTML for lessons, exercises and questions.

Rendered once, when content is loaded, never per request. Lessons are
Markdown (CommonMark with tables) plus our blocks: highlighted JSON policies
with a copy button, callouts (``::: note`` / ``warning`` / ``exam-tip``),
links to other lessons (``lesson:slug``), and interactive ``tryit`` and
``check`` blocks. Interactive blocks need a CSRF token and the learner's
state, so they are left as placeholders (``<div data-block="N">``) and
rendered by the lesson template at request time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import nh3
import yaml
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer

CALLOUTS = {"note": "Note", "warning": "Warning", "exam-tip": "Exam tip"}
CALLOUT_ICONS = {"note": "ℹ", "warning": "⚠", "exam-tip": "★"}
INTERACTIVE_BLOCKS = {"tryit", "check"}
LESSON_LINK = re.compile(r"^lesson:([a-z0-9-]+)(#[\w-]+)?$")
PLACEHOLDER = re.compile(r'<div data-block="(\d+)"></div>')

_formatter = HtmlFormatter(nowrap=True)
_json_lexer = JsonLexer()

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "button", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h2", "h3", "h4", "hr", "i", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "aside": {"aria-label", "role"},
    "button": {"type", "data-copy-target", "aria-label"},
    "div": {"data-block", "data-policy-kind"},
    "pre": {"tabindex"},
    "span": {"aria-hidden"},
    "th": {"scope"},
    "td": {"align"},
}


class ContentError(ValueError):
    """Content that cannot be rendered: a bad block, or a broken link."""


@dataclass
class Rendered:
    html: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    toc: list[dict[str, str]] = field(default_factory=list)
    lesson_links: set[str] = field(default_factory=set)
    policies: list[dict[str, str]] = field(default_factory=list)
    word_count: int = 0


def _render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    info = token.info.strip().split()
    lang = info[0] if info else ""
    flags = set(info[1:])
    if lang in INTERACTIVE_BLOCKS:
        try:
            data = yaml.safe_load(token.content)
        except yaml.YAMLError as exc:
            line = token.map[0] + 1
            raise ContentError(f"the {lang} block on line {line} is not YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ContentError(f"the {lang} block on line {token.map[0] + 1} must be a mapping")
        env["blocks"].append({"type": lang, "line": token.map[0] + 1, **data})
        return f'<div data-block="{len(env["blocks"]) - 1}"></div>\n'
    env["counter"] += 1
    code_id = f"code-{env['counter']}"
    if lang == "json":
        kind = next((k for k in ("invalid", "unsafe", "identity") if k in flags), "valid")
        env["policies"].append({"text": token.content, "kind": kind, "line": token.map[0] + 1})
        body = highlight(token.content, _json_lexer, _formatter)
        label = {
            "invalid": "Invalid on purpose",
            "unsafe": "Unsafe on purpose",
            "identity": "Permissions policy",
        }.get(kind)
        badge = f'<span class="code-badge code-badge-{kind}">{label}</span>' if label else ""
        return (
            f'<div class="code-block" data-policy-kind="{kind}">{badge}'
            f'<button type="button" class="copy-button" data-copy-target="{code_id}" '
            f'aria-label="Copy this policy">Copy</button>'
            f'<pre tabindex="0"><code id="{code_id}" class="highlight">{body}</code></pre></div>\n'
        )
    return f'<pre tabindex="0"><code id="{code_id}">{escapeHtml(token.content)}</code></pre>\n'


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = token.attrGet("href") or ""
    match = LESSON_LINK.match(href)
    if match:
        slug, anchor = match.group(1), match.group(2) or ""
        env["lesson_links"].add(slug)
        token.attrSet("href", f"/lessons/{slug}/{anchor}")
    return self.renderToken(tokens, idx, options, env)


def _callout(name: str):
    def render(self, tokens, idx, options, env) -> str:
        if tokens[idx].nesting == 1:
            title = CALLOUTS[name]
            return (
                f'<aside class="callout callout-{name}" aria-label="{title}">'
                f'<p class="callout-title"><span class="icon" aria-hidden="true">'
                f"{CALLOUT_ICONS[name]}</span> {title}</p>\n"
            )
        return "</aside>\n"

    return render


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    for name in CALLOUTS:
        md.use(container_plugin, name=name, render=_callout(name))
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("link_open", _render_link_open)
    return md


_md = _build_markdown()


def _toc(tokens) -> list[dict[str, str]]:
    toc = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            toc.append({"id": token.attrGet("id") or "", "title": tokens[i + 1].content})
    return toc


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> Rendered:
    """Render a lesson body (or any content Markdown) to sanitized HTML."""
    env: dict[str, Any] = {"blocks": [], "lesson_links": set(), "policies": [], "counter": 0}
    tokens = _md.parse(text, env)
    html = sanitize(_md.renderer.render(tokens, _md.options, env))
    words = len(re.findall(r"\b\w[\w'-]*\b", re.sub(r"```.*?```", " ", text, flags=re.S)))
    return Rendered(
        html=html,
        blocks=env["blocks"],
        toc=_toc(tokens),
        lesson_links=env["lesson_links"],
        policies=env["policies"],
        word_count=words,
    )


def render_inline(text: str) -> str:
    """Render a short piece of Markdown (a goal, a stem, an explanation)."""
    return render_markdown(text).html


def split_on_blocks(html: str) -> list[tuple[str, int | None]]:
    """Split rendered HTML into (html, block index or None) segments for the template."""
    segments: list[tuple[str, int | None]] = []
    last = 0
    for match in PLACEHOLDER.finditer(html):
        segments.append((html[last : match.start()], int(match.group(1))))
        last = match.end()
    segments.append((html[last:], None))
    return segments


def highlight_policy(text: str) -> str:
    """Highlight a policy for display outside Markdown (already escaped by Pygments)."""
    return highlight(text, _json_lexer, _formatter)
