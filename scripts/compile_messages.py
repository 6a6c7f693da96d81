"""Compile every translation catalogue (.po) of the project into .mo, without GNU gettext.

`make` runs this at set-up so that a machine needs only Python. Fuzzy entries are left out,
as msgfmt does. Catalogues whose .mo is newer than the .po are skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    found = list((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    found += list((ROOT / "madina").glob("*/locale/*/LC_MESSAGES/*.po"))
    return sorted(found)


def main() -> int:
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        catalogue.save_as_mofile(str(mo_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
