"""Reading the German catalogues and the templates, for the translation tests.

A small reader of GNU gettext .po files (msgctxt, msgid, msgid_plural, msgstr[n], the fuzzy
flag) so that a failure names the message; the compiled .mo is read by the standard
library's own gettext.
"""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

GOALKEEPER = Path(__file__).resolve().parents[2] / "goalkeeper"
LANGUAGES = ("de",)


def apps() -> list[str]:
    """Every Django app of ours (a folder with an apps.py), by folder name."""
    return sorted(p.parent.name for p in GOALKEEPER.glob("*/apps.py"))


def catalogue(app: str, language: str = "de", suffix: str = "po") -> Path:
    return GOALKEEPER / app / "locale" / language / "LC_MESSAGES" / f"django.{suffix}"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> str:
        """The message's key in a compiled catalogue ("context\\x04msgid" with a context)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def label(self) -> str:
        return self.msgid if self.msgctxt is None else f"[{self.msgctxt}] {self.msgid}"

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def read_po(path: Path) -> list[Entry]:
    """The messages of a .po file, the header (empty msgid) and obsolete ones left out."""
    entries: list[Entry] = []
    current = Entry()
    last: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started
        if started and current.msgid:
            entries.append(current)
        current, started = Entry(), False

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            finish()
            last = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        text = ast.literal_eval(line) if line.startswith('"') else ast.literal_eval(rest)
        if keyword in {"msgctxt", "msgid"} and started and last and last[0] == "msgstr":
            finish()
        if line.startswith('"') and last is not None:
            name, index = last
        elif keyword.startswith("msgstr["):
            name, index = "msgstr", int(keyword[7:-1])
        else:
            name, index = keyword, 0
        started = True
        last = (name, index)
        if name == "msgid":
            current.msgid = (current.msgid if line.startswith('"') else "") + text
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + text
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
        elif name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + text
    return entries


def read_mo(path: Path) -> dict[object, str]:
    """A compiled catalogue's messages: msgid -> text, (msgid, n) -> plural form n."""
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = dict(translations._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog
