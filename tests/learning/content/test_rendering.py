"""Lesson Markdown renders to safe HTML with our blocks."""

from __future__ import annotations

import pytest

from learning.content.rendering import ContentError, render_markdown, sanitize, split_on_blocks


def test_raw_html_and_scripts_are_escaped_not_rendered():
    html = render_markdown("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>").html
    assert "<script" not in html and "<img" not in html


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1)) <a href='javascript:x'>y</a>").html
    assert "<a " not in html  # neither the Markdown link nor the raw tag becomes a link
    assert sanitize('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_lesson_links_are_rewritten_and_collected():
    rendered = render_markdown("See [the basics](lesson:what-is-a-trust-policy#anatomy).")
    assert 'href="/lessons/what-is-a-trust-policy/#anatomy"' in rendered.html
    assert rendered.lesson_links == {"what-is-a-trust-policy"}


def test_json_blocks_are_highlighted_with_a_copy_button_and_kept_for_checking():
    rendered = render_markdown('```json unsafe\n{"Principal": "*"}\n```')
    assert 'class="copy-button"' in rendered.html
    assert "Unsafe on purpose" in rendered.html
    assert rendered.policies == [{"text": '{"Principal": "*"}\n', "kind": "unsafe", "line": 1}]


def test_callouts_are_labelled_asides():
    html = render_markdown("::: exam-tip\nRead the stem twice.\n:::").html
    assert '<aside class="callout callout-exam-tip" aria-label="Exam tip">' in html


def test_interactive_blocks_become_placeholders_with_their_data():
    rendered = render_markdown("Intro\n\n```check\nquestion: Why?\noptions: []\n```\n\nOutro")
    assert rendered.blocks[0]["question"] == "Why?"
    segments = split_on_blocks(rendered.html)
    assert [index for _, index in segments] == [0, None]
    assert "Outro" in segments[1][0]


def test_a_broken_block_is_a_content_error():
    with pytest.raises(ContentError, match="not YAML"):
        render_markdown("```tryit\npolicy: [unclosed\n```")


def test_headings_give_a_table_of_contents():
    assert render_markdown("## First part\n\n## Second part").toc == [
        {"id": "first-part", "title": "First part"},
        {"id": "second-part", "title": "Second part"},
    ]
