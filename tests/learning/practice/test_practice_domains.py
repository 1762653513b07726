"""The practice form's domain select lists the chosen exam's own domains, by title,
and works without a script: the exam select is sent back with a plain GET."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from learning.content.exam_info import EXAM_INFO

pytestmark = pytest.mark.django_db


def _domain_options(html: str) -> list[str]:
    select = re.search(r'<select id="p-domain".*?</select>', html, re.S)
    assert select, "no domain select"
    return [
        re.sub(r"\s+", " ", o).strip()
        for o in re.findall(r"<option[^>]*>(.*?)</option>", select[0], re.S)
    ]


def test_without_an_exam_the_domain_select_asks_for_one_first(client):
    html = client.get(reverse("practice:home")).content.decode()
    assert _domain_options(html) == ["Any domain"]
    assert "Show its domains" in html


@pytest.mark.parametrize("code", ["DVA-C02", "SAA-C03", "DOP-C02"])
def test_choosing_an_exam_lists_its_domains_with_titles(client, code):
    html = client.get(reverse("practice:home"), {"exam": code}).content.decode()
    info = EXAM_INFO[code]
    expected = [f"Domain {d.number}: {d.title} ({d.weight}%)" for d in info.domains]
    assert _domain_options(html) == ["Any domain", *expected]
    assert re.search(rf'<option value="{code}"\s+selected>', html)


def test_the_saa_exam_offers_no_fifth_or_sixth_domain(client):
    html = client.get(reverse("practice:home"), {"exam": "SAA-C03"}).content.decode()
    options = _domain_options(html)
    assert len(options) == 1 + 4
    assert not any(o.startswith(("Domain 5", "Domain 6")) for o in options)


def test_an_unknown_exam_falls_back_to_no_domains(client):
    response = client.get(reverse("practice:home"), {"exam": "XYZ-C01"})
    assert response.status_code == 200
    assert _domain_options(response.content.decode()) == ["Any domain"]


def test_a_learners_own_exam_preselects_its_domains(client):
    client.post(reverse("practice:study_plan"), {"exam": "DOP-C02", "exam_date": ""})
    html = client.get(reverse("practice:home")).content.decode()
    assert "Domain 1: SDLC Automation (22%)" in html
