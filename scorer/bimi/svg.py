"""The logo checked against the SVG Tiny Portable/Secure profile (draft-svg-tiny-ps-abrotman).

A BIMI logo must be SVG Tiny 1.2 with `baseProfile="tiny-ps"`, carry a `<title>`, and do
nothing but draw: no script or event handlers, no reference outside the document (href, CSS
`url()`, `@import`, `xml:base`), no raster image (`<image>`, `data:` URIs), no animation,
interactivity or foreign content, no `x`/`y` on the root; at most 32 KiB. The element set is the
profile's (its RNC schema, as mailauth 7.2 also checks it), plus static SVG 1.1 elements found in
published logos. Parsing uses defusedxml: a DTD, entity declarations or external entities are
refused, so an "XML bomb" never expands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

MAX_BYTES = 32_768
"""32 KiB: the size the BIMI Group, checkdmarc and mailauth use for an Indicator."""
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TINY_PS = frozenset(
    [
        "svg",
        "title",
        "desc",
        "metadata",
        "path",
        "rect",
        "circle",
        "line",
        "ellipse",
        "polyline",
        "polygon",
        "solidColor",
        "textArea",
        "linearGradient",
        "radialGradient",
        "stop",
        "text",
        "g",
        "defs",
        "use",
        "font",
        "glyph",
        "hkern",
    ]
)
STATIC = frozenset(
    [
        "style",
        "clipPath",
        "mask",
        "pattern",
        "symbol",
        "marker",
        "tspan",
        "tbreak",
        "missing-glyph",
        "vkern",
        "font-face",
        "font-face-src",
        "font-face-name",
    ]
)
SCRIPT = frozenset({"script", "handler", "listener"})
RASTER = frozenset({"image", "video", "audio", "animation", "foreignObject", "iframe"})
ANIMATION = frozenset({"animate", "animateColor", "animateMotion", "animateTransform", "set"})
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")]*)", re.IGNORECASE)


@dataclass
class SvgReport:
    """What the profile check found. `errors` keep a logo from being shown; `warnings` may."""

    size: int
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(code, detail): too_big, not_xml, not_svg, profile, no_title, script, external, raster,
    animation, element, root_position."""
    warnings: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        return {code for code, _ in self.errors}


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def check_svg(data: bytes) -> SvgReport:
    """Check a logo (already gunzipped) against SVG Tiny PS."""
    report = SvgReport(size=len(data))
    if len(data) > MAX_BYTES:
        report.errors.append(("too_big", f"{len(data)} bytes, over {MAX_BYTES} (32 KiB)"))
    try:
        root = SafeTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        report.errors.append(("not_xml", f"refused: {type(exc).__name__} (DTDs and entities)"))
        return report
    except SafeTree.ParseError as exc:
        report.errors.append(("not_xml", f"not well-formed XML: {exc}"))
        return report
    ns, name = _local(root.tag)
    if name != "svg" or ns != SVG_NS:
        report.errors.append(("not_svg", f"the root element is {root.tag}, not SVG's <svg>"))
        return report
    version, profile = root.get("version"), root.get("baseProfile")
    if version != "1.2" or profile != "tiny-ps":
        report.errors.append(
            ("profile", f'version="{version}" baseProfile="{profile}" (need 1.2 and tiny-ps)')
        )
    for attr in ("x", "y"):
        if root.get(attr) is not None:
            report.errors.append(("root_position", f"the root <svg> has {attr}= (not allowed)"))
    titles = [c for c in root if _local(c.tag) == (SVG_NS, "title")]
    report.title = (titles[0].text or "").strip() if titles else ""
    if not report.title:
        report.errors.append(("no_title", "no <title> child of <svg> (the brand name)"))
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(view_box) == 4 and view_box[2] != view_box[3]:
        report.warnings.append(f"viewBox {' '.join(view_box)} is not square; logos are cropped")
    _walk(root, report, depth=0, in_metadata=False)
    return report


def _walk(element: Element, report: SvgReport, depth: int, in_metadata: bool) -> None:
    if depth > 256:
        report.errors.append(("element", "nested more than 256 levels"))
        return
    ns, name = _local(element.tag)
    if ns in (SVG_NS, "") and in_metadata and name not in ("title", "desc"):
        report.errors.append(("element", f"<{name}> inside <metadata>"))
    elif ns in (SVG_NS, ""):
        if name in SCRIPT:
            report.errors.append(("script", f"<{name}> element"))
        elif name in RASTER:
            report.errors.append(("raster", f"<{name}> element (raster or foreign content)"))
        elif name in ANIMATION:
            report.errors.append(("animation", f"<{name}> element"))
        elif name not in TINY_PS and name not in STATIC:
            report.errors.append(("element", f"<{name}> is not in SVG Tiny PS"))
    elif not in_metadata:
        report.errors.append(("element", f"{element.tag}: foreign element outside <metadata>"))
    for attr, value in element.attrib.items():
        a_ns, a_name = _local(attr)
        lowered = value.strip().lower()
        if a_name.lower().startswith("on"):
            report.errors.append(("script", f"<{name} {a_name}=...> event handler"))
        elif a_name == "href" and a_ns in (XLINK_NS, ""):
            if lowered.startswith("data:"):
                report.errors.append(("raster", f"<{name}> embeds a data: URI"))
            elif not lowered.startswith("#"):
                report.errors.append(("external", f"<{name} href={value[:80]}>"))
        elif a_ns == XML_NS and a_name == "base" and lowered:
            report.errors.append(("external", f"xml:base={value[:80]}"))
        elif "javascript:" in lowered:
            report.errors.append(("script", f"{a_name}={value[:80]}"))
        else:
            _css(value, name, report)
    if name == "style" and element.text:
        _css(element.text, name, report)
    inside = in_metadata or (ns == SVG_NS and name == "metadata")
    for child in element:
        _walk(child, report, depth + 1, inside)


def _css(text: str, where: str, report: SvgReport) -> None:
    lowered = text.lower()
    if "@import" in lowered:
        report.errors.append(("external", f"<{where}> CSS @import"))
    for target in _CSS_URL.findall(text):
        target = target.strip()
        if target.lower().startswith("data:"):
            report.errors.append(("raster", f"<{where}> CSS url(data:...)"))
        elif not target.startswith("#"):
            report.errors.append(("external", f"<{where}> CSS url({target[:80]})"))
