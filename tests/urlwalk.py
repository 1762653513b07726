"""Every URL of the project, walked from the URL resolver.

Tests that must cover every page (security headers, fuzzing) take their list
from here, so a new URL is covered the day it is added. Parameters get sample
values (``samples`` by name, else one per converter); admin's regular
expressions get a plain value per group.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_UUID = "00000000-0000-4000-8000-000000000000"
_BY_CONVERTER = {"int": "1", "slug": "sample", "uuid": SAMPLE_UUID, "str": "sample", "path": "x"}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


@dataclass(frozen=True)
class WalkedUrl:
    name: str  # "namespace:name", or the route when it has no name
    path: str
    pattern: URLPattern

    def __str__(self) -> str:
        return self.name


def _route_sample(route: str, samples: Mapping[str, str]) -> str:
    def fill(match: re.Match) -> str:
        name = match["name"]
        return str(samples.get(name, _BY_CONVERTER.get(match["converter"] or "str", "x")))

    return _ROUTE_PARAM.sub(fill, route)


def _regex_sample(regex: str, samples: Mapping[str, str]) -> str:
    def fill(match: re.Match) -> str:
        name, body = match["name"], match["body"]
        if name in samples:
            return str(samples[name])
        if "|" in body and "\\" not in body:
            return body.split("|")[0]
        return "1" if body.startswith("\\d") else "x"

    text = _REGEX_GROUP.sub(fill, regex).lstrip("^").rstrip("$").replace("\\Z", "")
    return re.sub(r"\\(.)", r"\1", text)


def _sample(pattern: RoutePattern | RegexPattern, samples: Mapping[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern), samples)
    return _regex_sample(pattern.regex.pattern, samples)


def _walk(
    patterns, prefix: str, raw: str, namespace: str, samples: Mapping[str, str]
) -> Iterator[WalkedUrl]:
    for entry in patterns:
        part = _sample(entry.pattern, samples)
        raw_part = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + part, raw + raw_part, inner, samples)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else raw + raw_part
            yield WalkedUrl(name=name, path="/" + prefix + part, pattern=entry)


def walk_urls(samples: Mapping[str, str] | None = None) -> list[WalkedUrl]:
    """Every URL pattern of the project with a path that reaches it."""
    return list(_walk(get_resolver().url_patterns, "", "", "", samples or {}))


def random_uuid() -> str:
    return str(uuid.uuid4())
