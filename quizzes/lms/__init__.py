"""Grade exports Fuente hands to other systems: Canvas, Moodle, OneRoster 1.1 CSV, plain CSV.

Pure Python, no Django: build a `Gradebook` of plain data (its rows may be a generator) and pass
it to a writer, which streams it out one row at a time:

* `canvas.write_csv(gradebook, out)` — a Canvas gradebook import file;
* `canvas.fill_export(canvas_csv, gradebook, out) -> FillReport` — Fuente's scores filled into a
  gradebook CSV exported from Canvas, every other byte unchanged (the recommended workflow);
* `moodle.write_csv(gradebook, out)` — for Moodle's Grades > Import > CSV file;
* `oneroster.write_zip(gradebook, out, now)` — a OneRoster 1.1 CSV gradebook package;
* `plain.write_csv(gradebook, out)` — a plain CSV with totals, for anything else.

Text writers take a text file opened with ``newline=""`` (UTF-8 recommended). Every writer
hands its rows to `cells.write_csv`: text cells are made safe for spreadsheets (no formula at
the start of a cell or after a separator), numbers are written plainly and never altered.
"""

from __future__ import annotations

from .model import Column, Grade, Gradebook, Student

__all__ = ["Column", "Grade", "Gradebook", "Student"]
