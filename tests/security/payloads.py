"""Cross-site scripting payloads, and the check that a page shows them only as text.

Every payload carries the marker ``xss7331`` in its active part, so that a page which lets one
through can be caught by parsing it: a ``<script>`` whose text holds the marker, an ``on…``
attribute that mentions it, an element the payload invented (``<xss7331>``), a ``javascript:``
link, or ``{{7*7}}`` evaluated into ``49``. The corpus mixes Arabic and Latin text with the
bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and the isolates) and zero-width characters
that make a name look like something else, and HTML entities that must stay entities.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

MARKER = "xss7331"

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
LRO = "\u202d"  # LEFT-TO-RIGHT OVERRIDE
PDF = "\u202c"  # POP DIRECTIONAL FORMATTING
RLI, LRI, FSI, PDI = "\u2067", "\u2066", "\u2068", "\u2069"
ZWSP, ZWNJ, ZWJ, BOM = "\u200b", "\u200c", "\u200d", "\ufeff"

PAYLOADS: list[str] = [
    f"<script>alert('{MARKER}')</script>",
    f'"><img src=x onerror=alert("{MARKER}")>',
    f"'><svg onload=alert('{MARKER}')>",
    f"<svg><script>alert('{MARKER}')</script></svg>",
    f"javascript:alert('{MARKER}')",
    f"<a href=\"javascript:alert('{MARKER}')\">انقر هنا</a>",
    f"tpl{{{{7*7}}}}{MARKER} ${{7*7}} {{% debug %}}",
    f"جمعية <b onmouseover=alert('{MARKER}')>التضامن</b> بالناظور",
    f"مدينة {RLO}gpj.exe{PDF} <img src=x onerror=alert('{MARKER}')> {RLI}Nador{PDI}",
    f"Oujda{LRO}<{MARKER} onclick=alert(1)>{PDF} وجدة {FSI}x{PDI}",
    f"zero{ZWSP}width{ZWNJ}<scr{ZWJ}ipt>alert('{MARKER}')</script>{BOM}",
    f"&lt;script&gt;alert('{MARKER}')&lt;/script&gt; &amp; &#x3C;img src=x onerror=alert(1)&#x3E;",
    f"<iframe srcdoc=\"<script>alert('{MARKER}')</script>\"></iframe>",
    f"</textarea><script>alert('{MARKER}')</script><textarea>",
    f"<style>@import 'javascript:alert(\"{MARKER}\")';</style>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARKER}')>",
]

# Fields whose value is kept short by the model: the shortest payloads that still attack.
SHORT_PAYLOADS = [
    f"<{MARKER} onclick=1>",
    f'"><{MARKER}>',
    f"<svg onload={MARKER}>",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
_JS_URL = re.compile(r"^(javascript:|vbscript:|data:text/html)", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x20\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def active_markup(content: bytes | str) -> list[str]:
    """What in ``content`` a browser would run or treat as markup coming from a payload."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    problems: list[str] = []
    if "tpl49" in content:
        problems.append("template expression evaluated: tpl{{7*7}} became tpl49")
    if not content.strip():
        return problems
    document = lxml_html.document_fromstring(content)
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if MARKER in tag.lower():
            problems.append(f"element <{tag}> made from a payload")
        if tag.lower() in {"script", "style", "iframe"} and MARKER in (element.text or ""):
            problems.append(f"<{tag}> running a payload: {(element.text or '')[:80]!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on") and (MARKER in value or "alert" in value):
                problems.append(f"event handler {name}={value[:60]!r} on <{tag}>")
            if MARKER in lowered:
                problems.append(f"attribute {name!r} made from a payload on <{tag}>")
            if lowered in _URL_ATTRIBUTES and _JS_URL.match(_CONTROLS.sub("", value)):
                problems.append(f"{name}={value[:60]!r} on <{tag}>")
    return problems
