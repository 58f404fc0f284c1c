"""Question exports Fuente hands to an LMS: Moodle XML and GIFT.

The writers are pure Python, no Django: build `ExportQuestion`s (plain data, with each
citation's absolute link) and pass them to a writer, which writes text and returns the
questions it left out, each with the reason:

* `moodle_xml.write(questions, out, category=...) -> list[Skipped]` — Moodle XML, for
  Question bank > Import > Moodle XML format; every kind, ordering as Moodle's ordering type;
* `gift.write(questions, out, category=...) -> list[Skipped]` — GIFT, for Question bank >
  Import > GIFT format; every kind except ordering, which GIFT cannot express.

`quizzes.exchange.export` is the Django side: it reads Question rows into `ExportQuestion`s
and is the one entry point (`export_questions`) for the command and the admin.
"""

from __future__ import annotations

from .model import Citation, ExportQuestion, Skipped

__all__ = ["Citation", "ExportQuestion", "Skipped"]
