"""GET /templates and GET /templates/{key}: the library for any member, filtered."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.api.conftest import token_for
from tests.conftest import World


def get(world: World, path: str, **params: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    token = token_for(world.viewer)
    response = Client().get(f"/api/v1{path}", params, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


@pytest.mark.django_db
def test_the_list_names_each_template_with_its_source_and_counts(
    world: World, company_dir: Path
) -> None:
    (company_dir / "legal.yaml").write_text(
        "version: 1\ntemplate: {name: Legal, department: Legal}\n"
        "kpis:\n- {key: reviewed, name: Contracts reviewed, unit: contracts, target: 40}\n"
    )

    status, body = get(world, "/templates")

    assert status == 200
    assert body["count"] == 11
    engineering = next(item for item in body["items"] if item["key"] == "engineering")
    assert engineering == {
        "key": "engineering",
        "name": "Engineering",
        "department": "Engineering",
        "description": "Delivery speed and reliability, measured by the DORA metrics.",
        "language": "en",
        "source": "builtin",
        "objectives": 3,
        "key_results": 9,
        "kpis": 6,
    }
    _, company = get(world, "/templates", source="company")
    assert [item["key"] for item in company["items"]] == ["company-legal"]
    _, finance = get(world, "/templates", department="FINANCE")
    assert [item["key"] for item in finance["items"]] == ["finance"]


@pytest.mark.django_db
def test_one_template_carries_its_document(world: World) -> None:
    status, body = get(world, "/templates/hr")

    assert status == 200
    assert body["source"] == "builtin"
    assert body["document"]["version"] == 1
    assert body["document"]["template"]["department"] == "HR and people"
    assert len(body["document"]["kpis"]) == 6
    assert get(world, "/templates/nothing")[0] == 404
    assert get(world, "/templates", source="elsewhere")[0] == 422
