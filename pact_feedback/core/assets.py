"""Static assets that are light to fetch: fingerprinted URLs a browser keeps for a year, an
import map so that JavaScript modules importing each other get the same fingerprinted URLs, and
compressed answers (zstd, brotli or gzip, as the browser accepts) from the app itself, so
`make run` and a proxy that passes them through both send less (docs/performance.md).

`url_for("static", filename=...)` adds `v=<first 12 hex digits of the file's SHA-256>`. An
answer for the current `v` may be cached for a year, unchanged (`immutable`); any other asset
URL (a stale `v`, or an image the NHS.UK stylesheet names) for a day.
"""

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_compress import Compress

IMMUTABLE = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=86400"
MODULES = ("*.js", "*.mjs")

compress = Compress()


def init_assets(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", _COMPRESSED_TYPES)
    # Brotli first: at flask-compress's default levels it is the smallest for these files
    # (zstd level 3 sent the NHS.UK stylesheet 29 KB against 26 KB; docs/performance.md).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    compress.init_app(app)

    @app.url_defaults
    def _fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_assets(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            current = fingerprint(request.view_args.get("filename", ""))
            fresh = current is not None and request.args.get("v") == current
            response.headers["Cache-Control"] = IMMUTABLE if fresh else UNVERSIONED
            if response.status_code == 200 and response.mimetype in _COMPRESSED_TYPES:
                # Read the (small) file now, so that it is compressed whole, with gzip too
                # (flask-compress streams a file only with zstd, br or deflate).
                response.direct_passthrough = False
                response.set_data(response.get_data())
        return response

    app.jinja_env.globals["import_map"] = import_map
    app.jinja_env.globals["data_uri"] = data_uri


def fingerprint(filename: str) -> str | None:
    """The version of a static file: a digest of its content (None when there is no file)."""
    folder = Path(current_app.static_folder).resolve()
    path = (folder / filename).resolve()
    if folder not in path.parents:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """Keyed on the modification time and size too, so an edited file gets a new version."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def data_uri(filename: str, mimetype: str = "image/svg+xml") -> str:
    """A small static file as a `data:` URL: the favicon, inside the page rather than one more
    request on a first visit (the CSP allows data: images)."""
    path = Path(current_app.static_folder) / filename
    return _data_uri(str(path), mimetype, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _data_uri(path: str, mimetype: str, mtime_ns: int) -> str:
    return f"data:{mimetype};base64,{base64.b64encode(Path(path).read_bytes()).decode()}"


def import_map() -> dict:
    """A `<script type="importmap">` body (render it with `tojson`): each JavaScript module
    under static/ by its plain URL, to its fingerprinted one, so that
    `import "../vendor/idb-keyval/index.js"` fetches a cacheable URL.
    Worked out once per process (on every page in debug mode, where files change)."""
    cached = current_app.extensions.get("pact_import_map")
    if cached is not None and not current_app.debug:
        return cached
    folder = Path(current_app.static_folder)
    imports = {}
    for pattern in MODULES:
        for path in sorted(folder.rglob(pattern)):
            name = path.relative_to(folder).as_posix()
            plain = f"{current_app.static_url_path}/{name}"
            imports[plain] = url_for("static", filename=name)
    current_app.extensions["pact_import_map"] = {"imports": imports}
    return current_app.extensions["pact_import_map"]


_COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    # Not application/json or problem+json: the API's and the diary's JSON answers are a few
    # hundred bytes, and compressing each costs the busiest path CPU for nothing (and some API
    # clients and test tools do not decode brotli).
    "application/manifest+json",
    "image/svg+xml",
]
