"""Share links: the whole playground state, kept in the URL and nowhere else.

The format is the one the editor bundle reads and writes (``frontend/README.md``):
JSON, compressed with raw DEFLATE (RFC 1951), then base64url (RFC 4648 §5)
without ``=`` padding. Nothing is stored on the server, so a link never expires.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from config.web import UserError

#: Longest share parameter we accept, in characters. Links are meant to fit in
#: a URL (see ``MAX_SHARE_URL_CHARS``); anything longer was not made by us.
MAX_SHARE_PARAM_CHARS = 16_000

#: Most bytes a share parameter may inflate to. A 16 KB policy and its scenario
#: fit easily; a "zip bomb" stops here instead of filling memory.
MAX_SHARE_JSON_BYTES = 100_000

#: Longest share URL the page offers. Many servers and proxies refuse request
#: lines over 8 KB, so a longer link could break where it is pasted.
MAX_SHARE_URL_CHARS = 8_000


class ShareError(UserError):
    """A share parameter that cannot be read: damaged, truncated or too large."""


def encode_share_state(value: Any) -> str:
    """``value`` as a share parameter: JSON, raw DEFLATE, unpadded base64url."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = deflater.compress(raw) + deflater.flush()
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_share_state(text: str, *, max_bytes: int = MAX_SHARE_JSON_BYTES) -> Any:
    """Read a share parameter back; raise :class:`ShareError` on anything unreadable.

    Decompression is bounded by ``max_bytes``, so a small parameter that would
    inflate to gigabytes is refused after ``max_bytes`` bytes of work.
    """
    if not text:
        raise ShareError("the share link is empty")
    if len(text) > MAX_SHARE_PARAM_CHARS:
        raise ShareError("the share link is longer than any link this page makes")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ShareError("the share link has characters that do not belong in it") from exc
    inflater = zlib.decompressobj(-15)
    try:
        raw = inflater.decompress(data, max_bytes)
    except zlib.error as exc:
        raise ShareError("the share link is damaged (it does not decompress)") from exc
    if inflater.unconsumed_tail:
        raise ShareError("the share link holds more than this page accepts")
    if not inflater.eof:
        raise ShareError("the share link is cut short (was it copied in full?)")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShareError("the share link is damaged (its content is not readable)") from exc
