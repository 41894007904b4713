"""Open311 GeoReport v2 on the wire: JSON or XML bodies, the spec's error list, W3C date-times.

XML follows the spec's examples: a root element, one element per item, lists in a container whose
children carry the singular name (attributes/attribute, values/value), booleans as true/false.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from fastapi.responses import JSONResponse, Response

from fangkong.core import clock

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
SINGULAR = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
# the W3C note's date-times: seconds and fractions optional, a zone (Z or ±hh:mm) required
W3C = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


class Open311Error(Exception):
    """An answer in the spec's error format: [{"code": status, "description": ...}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(node, key, inner)
    elif isinstance(value, list):
        for entry in value:
            _element(node, SINGULAR.get(name, name.rstrip("s") or name), entry)
    else:
        node.text = _text(value)


def xml_body(root: str, fields: dict) -> bytes:
    tree = ET.Element(root)
    for key, value in fields.items():
        _element(tree, key, value)
    return XML_DECLARATION + ET.tostring(tree, encoding="unicode").encode("utf-8")


def render(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> Response:
    """A list answer: a JSON array, or <root><item>…</item>…</root>."""
    if fmt == "json":
        return JSONResponse(rows, status_code=status)
    return Response(_xml_list(root, item, rows), status_code=status, media_type="text/xml; charset=utf-8")


def _xml_list(root: str, item: str, rows: list[dict]) -> bytes:
    tree = ET.Element(root)
    for row in rows:
        _element(tree, item, row)
    return XML_DECLARATION + ET.tostring(tree, encoding="unicode").encode("utf-8")


def render_object(fmt: str, root: str, fields: dict) -> Response:
    """A single object answer (discovery, a service definition): a JSON object or <root>…</root>."""
    if fmt == "json":
        return JSONResponse(fields)
    return Response(xml_body(root, fields), media_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> Response:
    return render(fmt, "errors", "error", [{"code": status, "description": description}], status)


def iso(value: datetime | None) -> str | None:
    """A stored moment as the spec writes it: local time with its offset, 2022-11-13T09:00:00+08:00."""
    return clock.aware(value).astimezone(clock.zone()).isoformat(timespec="seconds") if value else None


def moment(text: str, field: str, status: int = 400) -> datetime:
    """A W3C date-time with its zone, or the spec's 400 naming the field."""
    if not W3C.fullmatch(text.strip()):
        raise Open311Error(status, f"{field} {text!r} is not a W3C date-time with its zone, "
                                   "like 2022-11-13T09:00:00+08:00")
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(status, f"{field} {text!r} is not a date-time that exists") from None
