"""PDF from a rendered HTML page (WeasyPrint).

WeasyPrint runs no JavaScript: a page meant for print carries its charts as inline SVG.
It fetches nothing from the network either: the only URLs it may read are the app's own
static files, found on disk through `django.contrib.staticfiles` (docs/reports.md).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.contrib.staticfiles import finders
from django.templatetags.static import static

STATIC_PREFIX = static("")
# WeasyPrint reports each layout step at INFO: noise in a worker's or a command's output.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# SVG presentation properties in a chart's style attributes (fill, stroke...) are drawn by
# WeasyPrint's SVG renderer, yet its HTML stylesheet parser warns about each of them.
SVG_PROPERTIES = re.compile(r"^Ignored `(fill|stroke|text-anchor|opacity|clip-path)[\w-]*:")


class _SvgStyleNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not SVG_PROPERTIES.match(record.getMessage())


logging.getLogger("weasyprint").addFilter(_SvgStyleNoise())


def _static_only(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    # Everything a print page links to is one of our static files; anything else is refused
    # rather than fetched, so a title or note can never make the server request a URL.
    from weasyprint import default_url_fetcher

    path = url.split("?", 1)[0]
    for prefix in (STATIC_PREFIX, f"file://{STATIC_PREFIX}"):
        if path.startswith(prefix):
            name = path[len(prefix) :]
            found = finders.find(name) or _collected(name)
            if isinstance(found, str):
                fetched: dict[str, Any] = default_url_fetcher(f"file://{found}", timeout=timeout)
                return fetched
    raise ValueError(f"not a static file of the app: {url[:80]}")


def _collected(name: str) -> str | None:
    # With hashed names (a served install: `print.3f2a9c.css`), the file is found among the
    # collected static files rather than in the apps' folders.
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        if staticfiles_storage.exists(name):
            return str(staticfiles_storage.path(name))
    except (NotImplementedError, ValueError, OSError):
        return None
    return None


def pdf_from_html(html: str) -> bytes:
    """The PDF of an HTML document whose stylesheets and images are the app's static files."""
    # WeasyPrint loads its system libraries (Pango) on import: only when a PDF is asked for.
    from weasyprint import HTML

    document = HTML(string=html, base_url="/", url_fetcher=_static_only)
    pdf: bytes = document.write_pdf()
    return pdf
