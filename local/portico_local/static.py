"""Serving `web/`: URL paths to files, the pages that route in the browser, and no way out.

In AWS the same files sit behind CloudFront; here the runtime serves them on the API's
origin so the pages call the API without CORS.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from portico_local.template import ROOT

WEB_ROOT = ROOT / "web"
# Pages that route in the browser: any path below the prefix without a file extension
# (`/p/sparkling-pools/invoices/inv-2001`) gets the prefix's page.
APP_PAGES = {"p": "p/index.html", "admin": "admin/index.html"}
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class BadPath(ValueError):
    """The path tries to leave the web root or hides something in its encoding."""


@dataclass(frozen=True)
class StaticFile:
    path: Path
    content_type: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def _segments(url_path: str) -> list[str]:
    decoded = unquote(url_path, errors="strict")
    if "\x00" in decoded or "\\" in decoded:
        raise BadPath("control character or backslash in path")
    segments = [part for part in decoded.split("/") if part not in ("", ".")]
    if ".." in segments:
        raise BadPath("'..' in path")
    return segments


def content_type(path: Path) -> str:
    """What a file of the site is served as (text with its charset)."""
    guessed, _ = mimetypes.guess_type(path.name)
    content_type = guessed or "application/octet-stream"
    if content_type.startswith(_TEXT_TYPES):
        content_type += "; charset=utf-8"
    return content_type


def find(url_path: str, root: Path = WEB_ROOT) -> StaticFile | None:
    """The file `url_path` names under `root`, or None. Raises BadPath for traversal."""
    try:
        segments = _segments(url_path)
    except UnicodeDecodeError as error:
        raise BadPath("path is not UTF-8") from error
    # Dot-files (.DS_Store, .env) are never part of the site.
    if any(segment.startswith(".") for segment in segments):
        return None
    real_root = root.resolve()
    candidate = root.joinpath(*segments)
    if candidate.is_dir():
        candidate = candidate / "index.html"
    in_app = bool(segments) and segments[0] in APP_PAGES and "." not in segments[-1]
    if in_app and not candidate.is_file():
        candidate = root / APP_PAGES[segments[0]]
    if not candidate.is_file():
        return None
    # A symlink inside web/ must not lead outside it either.
    if not candidate.resolve().is_relative_to(real_root):
        raise BadPath("path leaves the web root")
    return StaticFile(candidate, content_type(candidate))


def site_files(root: Path = WEB_ROOT) -> dict[str, Path]:
    """Every file of the site by its path below `root` (dot-files are never part of it): what
    `portico-admin publish-web` uploads."""
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    }
