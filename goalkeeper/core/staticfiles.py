"""Static files: hashed, compressed and cached for a year once collected.

`goalkeeper serve` runs `collectstatic` into STATIC_ROOT when its
manifest is missing or older than the sources (`collect_if_stale`). The storage then names
every file by its content's hash (`app.3f2a9c1b.css`) and writes gzip and brotli copies
beside it; WhiteNoise serves those names with a one-year, immutable cache and picks the
encoding the browser accepts. Before anything is collected (the tests, `runserver`, a WSGI
server started by hand) pages name the plain files, which WhiteNoise serves from their
sources with a short cache. See docs/operations.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The front-end files served from node_modules (installed from the npm registry), under
# "vendor/": only these, not whole package folders (ECharts' dist holds 51 MB).
VENDOR_FILES = {
    "vendor/echarts/echarts.min.js": ("echarts", "dist", "echarts.min.js"),
    # The pickers' combobox (docs/pickers.md), with the source maps its files point to: the
    # manifest storage refuses a reference it cannot find.
    **{
        f"vendor/tom-select/{kind}/{name}": ("tom-select", "dist", kind, name)
        for kind, base in (("js", "tom-select.complete.min.js"), ("css", "tom-select.min.css"))
        for name in (base, f"{base}.map")
    },
    # Dashboards' grid, arranged by drag or keyboard (docs/dashboards.md); its script names
    # its source map and its licence file.
    **{
        f"vendor/gridstack/{name}": ("gridstack", "dist", name)
        for name in (
            "gridstack-all.js",
            "gridstack-all.js.map",
            "gridstack-all.js.LICENSE.txt",
            "gridstack.min.css",
        )
    },
}


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """Hashed names from the manifest; a file it does not list keeps its plain name."""

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            # Not collected (yet): the plain name, served from the sources by WhiteNoise.
            return name


class VendorFinder(finders.BaseFinder):
    """Finds the files of VENDOR_FILES in node_modules."""

    def _sources(self) -> Iterator[tuple[str, Path]]:
        for url_path, parts in VENDOR_FILES.items():
            yield url_path, Path(settings.NODE_MODULES).joinpath(*parts)

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    # Django's signature is overloaded on find_all; one body answers both.
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = [str(source) for name, source in self._sources() if name == path]
        found = [source for source in found if Path(source).is_file()]
        if find_all or kwargs.get("all"):
            return found
        return found[0] if found else []

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for url_path, source in self._sources():
            if source.is_file():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = url_path.rsplit("/", 1)[0]  # type: ignore[attr-defined]
                yield source.name, storage


def sources_fingerprint() -> str:
    """A hash of every static file the finders list: names and contents."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            prefix = getattr(storage, "prefix", None) or ""
            name = f"{prefix}/{path}" if prefix else path
            if name in seen:  # the first finder that lists a name wins, as in collectstatic
                continue
            seen.add(name)
            digest.update(name.encode() + b"\0")
            with storage.open(path) as source:
                digest.update(hashlib.sha256(source.read()).digest())
    return digest.hexdigest()


def fingerprint_file() -> Path:
    root = Path(settings.STATIC_ROOT)
    return root.with_name(root.name + ".sources")


def is_stale() -> bool:
    """Whether STATIC_ROOT lacks a manifest or was collected from other sources."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return False  # a storage without a manifest has nothing to collect ahead
    manifest = Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name
    marker = fingerprint_file()
    if not manifest.is_file() or not marker.is_file():
        return True
    return marker.read_text().strip() != sources_fingerprint()


def collect_if_stale() -> bool:
    """Run `collectstatic` when needed; returns whether it ran."""
    if not is_stale():
        return False
    fingerprint = sources_fingerprint()
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    fingerprint_file().write_text(fingerprint + "\n")
    return True
