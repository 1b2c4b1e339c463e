"""Test-suite settings: hypothesis is derandomized under CI (CI=true) so a CI run is reproducible."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (CI runs them: .ci/run sets CI=true)")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` run in CI (``CI`` set), with ``--run-slow``, or when selected with ``-m``; a plain local
    ``pytest`` skips them to stay within a few minutes."""
    if config.getoption("--run-slow") or os.environ.get("CI") or config.getoption("markexpr"):
        return
    import pytest

    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
