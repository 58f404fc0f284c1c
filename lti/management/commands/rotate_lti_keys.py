from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lti.keys import rotate_keys


class Command(BaseCommand):
    help = (
        "Make a new LTI signing key. The key set then publishes the new key and the previous "
        "one; keys older than that are deleted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key = rotate_keys()
        self.stdout.write(f"New LTI signing key {key.kid}; the previous key stays published.")
