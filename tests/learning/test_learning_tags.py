"""Words a learner reads: code spans as code, documentation pages by their title."""

from __future__ import annotations

import pytest

from learning.templatetags.learning_tags import inline_code, source_links
from tests.learning.content.factories import LessonFactory


def test_backticks_become_code_and_the_rest_stays_escaped():
    assert inline_code('Is `"AWS": "*"` <safe>?') == (
        "Is <code>&quot;AWS&quot;: &quot;*&quot;</code> &lt;safe&gt;?"
    )


@pytest.mark.django_db
def test_sources_are_named_by_the_title_a_lesson_gives_them_else_readably():
    titled = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"
    LessonFactory(sources=[{"url": titled, "title": "IAM roles"}])
    other = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"
    assert source_links([titled, other]) == [
        (titled, "IAM roles"),
        (other, "Reference policies elements principal"),
    ]
