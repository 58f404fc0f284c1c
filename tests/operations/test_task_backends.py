"""TASKS_BACKEND=redis: a task enqueued through django-tasks-rq runs on a real RQ worker
(`manage.py rqworker`, as docs/operations.md runs it) against the local Redis, and its result,
its failure and a deferred task come back through the backend."""

from __future__ import annotations

import json

from tests.operations.conftest import base_env, run

SCRIPT = """
import json, subprocess, sys, time
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from django_tasks import task_backends
from tests.operations.rq_tasks import add, fail

backend = task_backends["default"]
added = add.enqueue(2, 3)
failed = fail.enqueue("the river ran dry")
later = add.using(run_after=timezone.now() + timedelta(seconds=1)).enqueue(20, 22)
before = backend.get_result(later.id).status
time.sleep(1.2)
worker = subprocess.run(
    [sys.executable, "manage.py", "rqworker", "--burst", "--with-scheduler",
     "--job-class", "django_tasks_rq.Job", "default"],
    capture_output=True, text=True, timeout=60,
)
results = {name: backend.get_result(r.id) for name, r in
           [("added", added), ("failed", failed), ("later", later)]}
print(json.dumps({
    "backend": type(backend).__name__,
    "before": before,
    "worker": worker.returncode,
    "log": worker.stdout[-2000:] + worker.stderr[-2000:],
    "status": {name: r.status for name, r in results.items()},
    "value": {name: r.return_value for name, r in results.items() if r.status == "SUCCESSFUL"},
    "errors": [e.exception_class_path for e in results["failed"].errors],
    "workers": results["added"].worker_ids,
}))
"""


def test_a_task_enqueued_through_rq_runs_on_an_rq_worker(redis_url, tmp_path):
    env = base_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        REDIS_URL=redis_url,
        TASKS_BACKEND="redis",
    )
    done = run(["-c", SCRIPT], env, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["backend"] == "RQBackend"
    assert found["before"] == "READY"  # deferred: nothing ran it before the worker
    assert found["worker"] == 0, found["log"]
    # The deferred task waited in RQ's scheduled registry until its time; the worker's
    # scheduler (--with-scheduler, as docs/operations.md runs it) then queued and ran it.
    assert found["status"] == {"added": "SUCCESSFUL", "failed": "FAILED", "later": "SUCCESSFUL"}
    assert found["value"] == {"added": 5, "later": 42}
    assert found["errors"] == ["builtins.ValueError"]
    assert len(found["workers"]) == 1
