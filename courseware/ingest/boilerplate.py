"""The one list of boilerplate: page furniture and page notes, named by what they are.

Each entry says what a line or sentence is ("share bar", "cookie notice"), with up to two
patterns:

- `line`: a whole line (after normalising and stripping) that is this furniture. The cleaner
  removes such a line and reports it with the entry's reason. Anchored to the full line, so a
  sentence that merely mentions "read more" or "cookies" is never touched.
- `phrase`: words that mark a sentence as this, wherever they stand in it. The question
  generator never asks about such a sentence (a disclaimer, a byline, a sign-up line that
  survived inside a paragraph). Entries with only a phrase are page notes: kept in the
  reading, never turned into questions.

Pure Python: the cleaner (courseware.ingest.clean) and the generator (quizzes.generator) both
read this list, so a kind of furniture is taught to both at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BOILERPLATE",
    "Boilerplate",
    "boilerplate_phrase",
    "furniture",
    "is_navigation_word",
    "trailing_furniture",
]


@dataclass(frozen=True)
class Boilerplate:
    reason: str
    line: re.Pattern[str] | None = None
    phrase: re.Pattern[str] | None = None


def _line(pattern: str, *, max_chars: int = 0) -> re.Pattern[str]:
    limit = f"(?=.{{1,{max_chars}}}$)" if max_chars else ""
    return re.compile(f"{limit}(?:{pattern})", re.IGNORECASE)


def _phrase(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_ARROW = r"(?:\s*(?:>|»|›|→|\.\.\.|…))?"
# Items of a menu or a link bar are separated by one of these (with spaces around).
_SEPARATOR = r"\s*(?:\||·|•|—|–|/)\s*|\s{2,}"
_SOCIAL = (
    r"facebook|twitter|x|linkedin|e-?mail|print|whatsapp|reddit|telegram|bluesky|threads|"
    r"pinterest|flipboard|copy link|copy url|messenger|mastodon"
)
_LEGAL = (
    r"privacy(?: policy| notice| statement)?|terms(?: of (?:use|service))?|terms and conditions|"
    r"cookie (?:policy|settings|preferences)|accessibility(?: statement)?|site ?map|"
    r"contact(?: us)?|about(?: us)?|careers|jobs|advertise(?: with us)?|legal(?: notice)?|"
    r"imprint|press|help|faq|rss|do not sell my (?:personal )?information"
)
# Section names of a site's menu; a run of short lines most of which are these is a menu.
NAVIGATION_WORDS = frozenset(
    (
        *("home", "news", "world", "politics", "business", "economy", "opinion", "analysis"),
        *("about", "about us", "contact", "contact us", "search", "menu", "main menu", "events"),
        *("podcasts", "podcast", "video", "videos", "research", "publications", "experts"),
        *("topics", "regions", "programs", "programmes", "newsletters", "newsletter", "login"),
        *("log in", "sign in", "sign up", "register", "subscribe", "donate", "security"),
        *("americas", "latin america", "europe", "asia", "africa", "middle east", "sports"),
        *("culture", "science", "technology", "health", "environment", "features", "blog"),
        *("reports", "commentary", "in depth", "explainers", "latest", "more", "close", "en"),
        *("español", "es", "shop", "store", "magazine", "archive", "archives", "authors"),
    )
)
_MENU_ITEM = "|".join(re.escape(word) for word in sorted(NAVIGATION_WORDS, key=len, reverse=True))

BOILERPLATE: tuple[Boilerplate, ...] = (
    Boilerplate(
        "boilerplate: skip link",
        _line(r"skip (?:to|navigation)(?: (?:the )?(?:main )?(?:content|navigation|menu))?"),
    ),
    Boilerplate("boilerplate: Scroll to Top", _line(r"scroll to top|back to top")),
    Boilerplate(
        "boilerplate: Read more link",
        _line(rf"(?:read more|continue reading){_ARROW}"),
        _phrase(r"\bread more\b"),
    ),
    Boilerplate("boilerplate: comment counter", _line(r"(?:no|\d+) comments?:?"), None),
    Boilerplate(
        "boilerplate: Post a Comment",
        _line(r"post a comment|leave a (?:comment|reply)"),
        _phrase(r"\bpost a comment\b|\bno comments\b"),
    ),
    Boilerplate(
        "boilerplate: blog navigation",
        _line(r"newer posts?|older posts?|subscribe to: post comments.*|previous post|next post"),
    ),
    Boilerplate(
        "boilerplate: loading placeholder", _line(r"loading(?:\.\.\.|…).*"), _phrase(r"\bloading")
    ),
    Boilerplate("boilerplate: bare URL", _line(r"(?:https?://|www\.)\S+")),
    Boilerplate("boilerplate: advertisement", _line(r"advertisement|sponsored(?: content)?")),
    Boilerplate(
        "boilerplate: breadcrumbs",
        _line(
            r"home(?:\s*(?:>|»|›|/|→)\s*[^>»›/→]{1,40}){1,6}|"
            r"[^>»›→]{1,40}(?:\s*(?:>|»|›|→)\s*[^>»›→]{1,40}){2,6}",
            max_chars=200,
        ),
    ),
    Boilerplate(
        "boilerplate: navigation menu",
        _line(rf"(?:{_MENU_ITEM})(?:(?:{_SEPARATOR})(?:{_MENU_ITEM})){{2,}}|toggle navigation"),
    ),
    Boilerplate(
        "boilerplate: share bar",
        _line(
            rf"(?:share(?: (?:this|the))?(?: (?:article|story|post|page|report))?(?: on)?:?\s*)?"
            rf"(?:{_SOCIAL})?(?:(?:{_SEPARATOR}|\s)(?:{_SOCIAL}))*|share on (?:{_SOCIAL})"
            rf"|share:?|follow us(?: on [\w ,&]{{1,60}})?[.!:]?"
        ),
        _phrase(r"\bshare this\b|\bfollow us\b"),
    ),
    Boilerplate(
        "boilerplate: newsletter sign-up",
        _line(
            r"(?:subscribe|sign up|sign me up|join|get|stay)\b.{0,80}\b(?:newsletter|inbox|"
            r"e-?mail updates|briefing)\b.*|.{0,120}\bdelivered (?:straight |directly )?to your "
            r"inbox\b.*|(?:enter )?your e-?mail(?: address)?:?|e-?mail address:?|subscribe(?: now)?"
            r"[.!]?|sign up(?: now| today)?[.!]?|(?:our|the) newsletter:?",
            max_chars=240,
        ),
        _phrase(r"\bsubscribe\b|\bsign up\b|\bnewsletter\b|\byour inbox\b"),
    ),
    Boilerplate(
        "boilerplate: legal links",
        _line(
            rf"(?:{_LEGAL})(?:(?:{_SEPARATOR})(?:{_LEGAL}))+|"
            r"privacy policy|terms of (?:use|service)"
        ),
    ),
    Boilerplate(
        "boilerplate: cookie notice",
        _line(
            r".*\b(?:we|this (?:site|website)|our (?:site|website)) uses? cookies\b.*|"
            r".*\b(?:use of cookies|cookie (?:policy|settings|preferences))\b.*|"
            r"(?:accept|reject|allow|decline|manage)(?: all| necessary| optional)? cookies|"
            r"(?:accept|reject|allow|decline)(?: all)?|manage (?:preferences|settings)|"
            r"(?:necessary|essential) cookies only",
            max_chars=400,
        ),
        _phrase(r"\bcookies?\b"),
    ),
    Boilerplate(
        "boilerplate: copyright line",
        _line(
            r"©.*|(?:\(c\)|copyright)\s*(?:©\s*)?\d{4}\b.*|copyright ©.*|"
            r".*\ball rights reserved\b.*",
            max_chars=240,
        ),
        _phrase(r"\ball rights reserved\b|\bcopyright\b|©"),
    ),
    Boilerplate(
        "boilerplate: dead link",
        _line(
            r"click here\b.{0,100}|(?:read|see|go to|continue (?:to|with)) part (?:[ivx]+|\d+)"
            r"\b.{0,80}|(?:download|view) (?:the )?(?:full )?(?:report|pdf|article)\b.{0,60}|"
            r"\(?opens in a new (?:window|tab)\)?",
            max_chars=140,
        ),
        _phrase(r"\bclick here\b|\bpart i\b|\bpart ii\b"),
    ),
    Boilerplate("boilerplate: reading time", _line(r"\d{1,3} min(?:ute)?s?(?: read)?")),
    Boilerplate(
        "boilerplate: related link",
        _line(
            r"(?:related|read also|also read|see also|more on this(?: topic)?|recommended):.{0,120}"
        ),
    ),
    Boilerplate(
        "donation banner",
        _line(
            r"keep [\w .&'’-]{1,60}? independent[.!]?|(?:donate|support us|become a "
            r"(?:member|supporter|patron))(?: (?:now|today))?[.!]?|"
            # A money request is short and says, in one sentence, that the gift "helps us"; a
            # paragraph that merely discusses donations does not.
            r".*\b(?:donation|donating|contribution|gift)s?\b[^.!?]*\bhelps? us\b.*",
            max_chars=400,
        ),
        _phrase(r"\bdonat|\bsupporters\b"),
    ),
    # Page notes: kept in the reading (they tell a student what the page is), never asked.
    Boilerplate(
        "page note: disclaimer",
        phrase=_phrase(
            r"views expressed|not an official|official policy|disclaimer|can make mistakes|"
            r"verify important|checked on|learn more|this article"
        ),
    ),
    Boilerplate(
        "page note: byline",
        phrase=_phrase(
            r"^\S+(?: \S+){0,3} is an? (?:[\w-]+ ){0,6}(?:professor|fellow|journalist|"
            r"correspondent|editor|researcher|analyst|director|reporter|writer|author)\b"
        ),
    ),
    Boilerplate("page note: suggested questions", phrase=_phrase(r"want to dive deeper")),
    Boilerplate("page note: Scroll to Top", phrase=_phrase(r"scroll to top")),
)

# A line that ends with a link that leads nowhere once the page is plain text ("… series on
# Mexico. Click here to read Part II."): the link is cut off, the sentences before it stay.
_TRAILING_LINK = re.compile(
    r"(?<=[.!?”\"’)]) +((?:click here|read part (?:[ivx]+|\d+)|continue to part (?:[ivx]+|\d+))"
    r"\b[^.!?]{0,80}[.!?]?)$",
    re.IGNORECASE,
)


def furniture(line: str) -> str | None:
    """The reason a whole line is page furniture, or None: the first entry whose `line`
    pattern matches all of it."""
    for entry in BOILERPLATE:
        if entry.line is not None and entry.line.fullmatch(line):
            return entry.reason
    return None


def trailing_furniture(line: str) -> int | None:
    """Where a dead link at the end of a line begins (the sentences before it are real), or
    None."""
    found = _TRAILING_LINK.search(line)
    return found.start(1) if found else None


def boilerplate_phrase(sentence: str) -> str | None:
    """The reason a sentence is boilerplate or a page note, or None: it is a whole furniture
    line, or holds an entry's `phrase`."""
    reason = furniture(sentence)
    if reason is not None:
        return reason
    for entry in BOILERPLATE:
        if entry.phrase is not None and entry.phrase.search(sentence):
            return entry.reason
    return None


def is_navigation_word(line: str) -> bool:
    """Whether a short line is a site section's name ("Home", "Opinion", "Log in")."""
    return line.strip(" .:>»›|").casefold() in NAVIGATION_WORDS
