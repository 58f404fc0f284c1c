"""Read back what bench/run.py needs to check against the database, through `manage.py shell`
(DATABASE_URL set): every response of the benchmark's open attempts (sequence and answer), and
the burst students' attempts (state, points, how many of their responses are graded). Writes
one JSON document to BENCH_OUT.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db.models import Count, Q

from quizzes.models import Attempt, Response

responses: dict[int, dict[int, Any]] = defaultdict(dict)
rows = Response.objects.filter(attempt__student__username__startswith="bench").values_list(
    "attempt_id", "position", "sequence", "answer"
)
for attempt_id, position, sequence, answer in rows.iterator(chunk_size=2000):
    responses[attempt_id][position] = [sequence, answer]
burst = list(
    Attempt.objects.filter(student__username__startswith="burst")
    .annotate(
        questions=Count("responses"),
        graded=Count("responses", filter=~Q(responses__outcome="")),
    )
    .values("student__username", "state", "points", "submitted_at", "questions", "graded")
)
Path(os.environ["BENCH_OUT"]).write_text(
    json.dumps({"responses": responses, "burst": burst}, default=str)
)
