"""Plain input data for the question-export writers.

Nothing here knows about Django: quizzes.exchange.export turns Question rows into these frozen
dataclasses, and a writer turns them into text. `data` is a question version's answer data in
the shape quizzes.grading checks (see docs/course-pack.md for each kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Citation:
    """One quoted passage a question rests on, with the link that opens it highlighted."""

    source_title: str
    published: str  # YYYY, YYYY-MM or YYYY-MM-DD as the source gives it, or ""
    quote: str  # the source's exact words
    link: str  # absolute URL


@dataclass(frozen=True)
class ExportQuestion:
    key: str  # the stable id: the Moodle question name and ID number
    kind: str  # one of quizzes.grading.KINDS
    stem: str  # plain text, as students see it
    data: Mapping[str, Any]
    explanation: str = ""
    citations: tuple[Citation, ...] = ()
    points: Decimal = Decimal(1)  # Moodle's default mark (a quiz slot's points)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A question a writer left out, and why (a sentence a teacher can act on)."""

    key: str
    reason: str


def check_base_url(base_url: str) -> str:
    """The site address citation links start with, without a trailing slash.

    Raises ValueError unless it is an absolute http(s) address with a host and no query or
    fragment (a link in an LMS is opened from another site, so a relative one cannot work).
    """
    url = base_url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "?" in url or "#" in url:
        raise ValueError(
            f"The base URL must be the site's absolute address, such as "
            f"https://fuente.example.edu, not {base_url!r}."
        )
    return url.rstrip("/")
