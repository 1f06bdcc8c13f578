"""Where the real published plans live: ../shared/plans beside the repository (or $DHR_SHARED_PLANS).

Tests that read them skip on a checkout without them, but CI (CI=true) always has them beside the
clone, so there a missing folder is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: DHR_SHARED_PLANS points elsewhere (a worktree is not beside the shared folder).
SHARED_PLANS = Path(os.environ.get("DHR_SHARED_PLANS") or Path(__file__).resolve().parents[2] / "shared" / "plans")


def needs_shared_plans() -> pytest.MarkDecorator:
    if os.environ.get("CI") and not SHARED_PLANS.is_dir():
        raise RuntimeError(f"CI needs the published plans at {SHARED_PLANS}")
    return pytest.mark.skipif(not SHARED_PLANS.is_dir(), reason=f"no published plans at {SHARED_PLANS}")
