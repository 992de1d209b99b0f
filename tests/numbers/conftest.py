"""Tests of the number limits across pages and the API: the API base's client and clock."""

from tests.api.conftest import (  # noqa: F401 - fixtures shared with the API tests
    _keep_the_test_connection,
    admin_api,
    api_for,
    editor_api,
    now,
)
