"""Parity tests use the API test base (a token per named person)."""

from tests.api.conftest import (  # noqa: F401 - shared fixtures
    _keep_the_test_connection,
    admin_api,
    api_for,
    editor_api,
    now,
)
from tests.insights.conftest import company, travel  # noqa: F401 - the insights' company
