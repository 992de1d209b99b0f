"""Single sign-on tests: the test provider listens on this machine."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _provider_on_this_machine(allow_local_outbound: None) -> None:
    """The test provider listens on 127.0.0.1, which the outbound policy refuses by default."""
