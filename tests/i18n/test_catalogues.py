"""The German catalogues: complete, up to date with the code, compiled (docs/languages.md)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.i18n.catalogues import GOALKEEPER, LANGUAGES, Entry, apps, catalogue, read_mo, read_po

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed (make system-libs)",
)


def extracted(app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The messages `makemessages` finds in the app today, extracted into a copy of it."""
    copy = tmp_path / app
    shutil.copytree(
        GOALKEEPER / app,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"),
    )
    (copy / "locale").mkdir(exist_ok=True)
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["de"], no_obsolete=True, verbosity=0)
    po = copy / "locale" / "de" / "LC_MESSAGES" / "django.po"
    return {entry.label for entry in read_po(po)} if po.exists() else set()


@pytest.mark.parametrize("app", apps())
def test_an_apps_catalogue_holds_exactly_the_messages_of_its_code(
    app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = catalogue(app)
    committed = {entry.label for entry in read_po(po)} if po.exists() else set()
    found = extracted(app, tmp_path, monkeypatch)
    missing = sorted(found - committed)
    obsolete = sorted(committed - found)
    assert not missing, (
        f"{app}: messages not in {po.relative_to(GOALKEEPER)} "
        f"(run makemessages, docs/languages.md): {missing}"
    )
    assert not obsolete, f"{app}: messages no longer in the code: {obsolete}"


@pytest.mark.parametrize(("app", "language"), itertools.product(apps(), LANGUAGES))
def test_an_apps_catalogue_translates_every_message(app: str, language: str) -> None:
    po = catalogue(app, language)
    if not po.exists():
        pytest.skip(f"{app} has no catalogue (the extraction test says whether it needs one)")
    entries = read_po(po)
    untranslated = [entry.label for entry in entries if not entry.translated]
    fuzzy = [entry.label for entry in entries if entry.fuzzy]
    assert entries, f"{po} is empty"
    assert not untranslated, f"{app}: no {language} text for {untranslated}"
    assert not fuzzy, f"{app}: fuzzy (to check) {fuzzy}"


def _expected(entries: list[Entry]) -> dict[object, str]:
    messages: dict[object, str] = {}
    for entry in entries:
        if entry.fuzzy or not entry.translated:
            continue
        if entry.msgid_plural is None:
            messages[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                messages[(entry.key, index)] = text
    return messages


@pytest.mark.parametrize(("app", "language"), itertools.product(apps(), LANGUAGES))
def test_an_apps_compiled_catalogue_matches_its_source(app: str, language: str) -> None:
    po, mo = catalogue(app, language), catalogue(app, language, suffix="mo")
    if not po.exists():
        pytest.skip(f"{app} has no catalogue")
    assert mo.exists(), f"{app}: compile {po.name} (compilemessages, docs/languages.md)"
    assert read_mo(mo) == _expected(read_po(po)), f"{app}: {mo.name} is older than {po.name}"
