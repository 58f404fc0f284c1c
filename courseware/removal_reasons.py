"""Why cleaning removed a line, in the reader's language.

The ingest core (courseware/ingest/) is plain Python without Django and records each removed
line's reason in English ("boilerplate: share bar", "source rule: drop_lines '…'"); a source
keeps them as recorded. Pages show them through `removal_reason`, which translates the known
ones and the known patterns, and leaves anything else as recorded. tests/courseware checks that
every fixed reason of the core is known here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIXED = {
    "boilerplate": gettext_lazy("page furniture"),
    "boilerplate: Post a Comment": gettext_lazy("page furniture: “Post a Comment”"),
    "boilerplate: Read more link": gettext_lazy("page furniture: “Read more” link"),
    "boilerplate: Scroll to Top": gettext_lazy("page furniture: “Scroll to Top”"),
    "boilerplate: advertisement": gettext_lazy("page furniture: advertisement"),
    "boilerplate: bare URL": gettext_lazy("page furniture: bare web address"),
    "boilerplate: blog navigation": gettext_lazy("page furniture: blog navigation"),
    "boilerplate: breadcrumbs": gettext_lazy("page furniture: breadcrumbs"),
    "boilerplate: comment counter": gettext_lazy("page furniture: comment counter"),
    "boilerplate: cookie notice": gettext_lazy("page furniture: cookie notice"),
    "boilerplate: copyright line": gettext_lazy("page furniture: copyright line"),
    "boilerplate: dead link": gettext_lazy("page furniture: link that leads nowhere"),
    "boilerplate: in a block of page furniture": gettext_lazy(
        "page furniture: inside a block of page furniture"
    ),
    "boilerplate: legal links": gettext_lazy("page furniture: legal links"),
    "boilerplate: loading placeholder": gettext_lazy("page furniture: “loading” placeholder"),
    "boilerplate: navigation menu": gettext_lazy("page furniture: navigation menu"),
    "boilerplate: newsletter sign-up": gettext_lazy("page furniture: newsletter sign-up"),
    "boilerplate: reading time": gettext_lazy("page furniture: reading time"),
    "boilerplate: related link": gettext_lazy("page furniture: link to a related story"),
    "boilerplate: share bar": gettext_lazy("page furniture: share bar"),
    "boilerplate: skip link": gettext_lazy("page furniture: skip link"),
}


def removal_reason(reason: str) -> str:
    """The reason as a person reads it in the active language."""
    fixed = FIXED.get(reason)
    if fixed is not None:
        return str(fixed)
    kind, _sep, detail = reason.partition(": ")
    if kind == "source rule":
        rule, _sep, pattern = detail.partition(" ")
        if rule == "cut_until":
            return _("this source’s rule: before the line %(pattern)s") % {"pattern": pattern}
        if rule == "cut_from":
            return _("this source’s rule: from the line %(pattern)s on") % {"pattern": pattern}
        if rule == "drop_lines":
            return _("this source’s rule: remove the lines %(pattern)s") % {"pattern": pattern}
    if kind == "suggested questions":
        if detail.startswith("after "):
            return _("suggested questions, after %(line)s") % {"line": detail[6:]}
        return _("suggested questions: %(line)s") % {"line": detail}
    if kind == "trailer":
        if detail.startswith("after "):
            return _("the page’s closing lines, after %(line)s") % {"line": detail[6:]}
        return _("the page’s closing lines: %(line)s") % {"line": detail}
    return reason
