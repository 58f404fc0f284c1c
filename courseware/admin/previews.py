"""What the two preview-then-confirm pages (re-import a source, enrol a roster) share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Previews travel to the confirm step signed (nobody can alter what was previewed) and
# compressed (a 1 MB roster or a 2 MB source fits well under DATA_UPLOAD_MAX_MEMORY_SIZE).
PREVIEW_MAX_AGE = 60 * 60
EXPIRED = _("This preview has expired or was altered; upload the file again.")
