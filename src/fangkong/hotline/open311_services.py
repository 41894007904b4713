"""Open311 services and service definitions: the topic tree, and the questions each service asks.

Every service but the over-enforcement ones asks `kind` (enquiry, help, …; optional, help when not
given). Over-enforcement reports (层层加码, 一刀切) are complaints (intake.OVER_ENFORCEMENT_KIND), so
they do not ask it. A topic's own attributes (topics.toml) follow; their answers go into the text.
A service without attributes has metadata false and no service definition (the spec: 404).
"""

from __future__ import annotations

import math
import re

from fangkong.core.i18n import LANGUAGES, translate
from fangkong.core.jurisdiction import CITY_CODE
from fangkong.hotline.intake import OVER_ENFORCEMENT_KIND
from fangkong.hotline.models import KINDS
from fangkong.hotline.open311_format import Open311Error, moment
from fangkong.hotline.topics import LISTS, RESERVED_ATTRIBUTE, Attribute, Choice, Topic, topics

DEFAULT_KIND = "help"
STRING_MAX, TEXT_MAX = 200, 4000
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
DESCRIBED = {
    "string": f"up to {STRING_MAX} characters", "text": f"up to {TEXT_MAX} characters",
    "number": "a decimal number, like 3 or 2.5",
    "datetime": "a W3C date-time with its zone, like 2022-11-13T09:00:00+08:00",
    "singlevaluelist": "one key of values", "multivaluelist": "one or more keys of values (attribute[code][]=key)",
}


def check_jurisdiction(jurisdiction_id: str, status: int) -> None:
    """One jurisdiction is served; naming it is optional, naming another is the spec's not found."""
    if jurisdiction_id.strip() and jurisdiction_id.strip() != CITY_CODE:
        raise Open311Error(status, f"jurisdiction_id {jurisdiction_id!r} not found: "
                                   f"this endpoint serves one jurisdiction, {CITY_CODE}")


def language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise Open311Error(400, f"lang {lang!r}: one of {', '.join(LANGUAGES)}")
    return lang


def service(code: str, status: int) -> Topic:
    if not code.strip():
        raise Open311Error(400, "service_code is required")
    found = topics().get(code.strip())
    if found is None:
        raise Open311Error(status, f"service_code {code!r} is not a service of this endpoint")
    return found


def _kind_attribute() -> Attribute:
    values = tuple(Choice(key=k, zh=translate("zh", f"hotline.kinds.{k}"), en=translate("en", f"hotline.kinds.{k}"))
                   for k in KINDS)
    return Attribute(code=RESERVED_ATTRIBUTE, datatype="singlevaluelist", zh="诉求类型", en="Kind of request",
                     values=values)


def attributes_of(topic: Topic) -> list[Attribute]:
    return list(topic.attributes) if topic.over_enforcement else [_kind_attribute(), *topic.attributes]


def service_rows(lang: str) -> list[dict]:
    known = topics()
    return [{"service_code": t.code, "service_name": t.name(lang), "description": t.name(lang),
             "metadata": bool(attributes_of(t)), "type": "realtime", "keywords": "",
             "group": known[t.code.split(".")[0]].name(lang)} for t in known.values()]


def _datatype_description(attribute: Attribute) -> str:
    if attribute.code == RESERVED_ATTRIBUTE:
        return f"one key of values; {DEFAULT_KIND} when not given (sets the reply deadline)"
    return DESCRIBED[attribute.datatype]


def definition(topic: Topic, lang: str) -> dict:
    attributes = attributes_of(topic)
    if not attributes:
        raise Open311Error(404, f"service {topic.code!r} has no service definition: its metadata is false")
    rows = []
    for order, a in enumerate(attributes, start=1):
        row = {"variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
               "datatype_description": _datatype_description(a), "order": order, "description": a.name(lang)}
        if a.datatype in LISTS:
            row["values"] = [{"key": v.key, "name": v.name(lang)} for v in a.values]
        rows.append(row)
    return {"service_code": topic.code, "attributes": rows}


def _checked(attribute: Attribute, values: list[str]) -> str:
    """One attribute's answer, checked against its datatype; the names of chosen keys for lists."""
    field = f"attribute[{attribute.code}]"
    if attribute.datatype in LISTS:
        names = {v.key: v.zh for v in attribute.values}
        if attribute.datatype == "singlevaluelist" and len(values) > 1:
            raise Open311Error(400, f"{field}: one value only")
        unknown = [v for v in values if v not in names]
        if unknown:
            raise Open311Error(400, f"{field}: {unknown[0]!r} is not one of {', '.join(names)}")
        return "、".join(names[v] for v in dict.fromkeys(values))
    if len(values) > 1:
        raise Open311Error(400, f"{field}: one value only")
    [value] = values
    if attribute.datatype == "number" and not (NUMBER.fullmatch(value) and math.isfinite(float(value))):
        raise Open311Error(400, f"{field}: {value!r} is not a number")
    if attribute.datatype == "datetime":
        moment(value, field)
    limit = TEXT_MAX if attribute.datatype == "text" else STRING_MAX
    if attribute.datatype in ("string", "text") and len(value) > limit:
        raise Open311Error(400, f"{field}: at most {limit} characters")
    return value


def answers(topic: Topic, given: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The ticket's kind and the lines its other answers add to the text; the spec's 400 otherwise."""
    attributes = {a.code: a for a in attributes_of(topic)}
    unknown = sorted(set(given) - set(attributes))
    if unknown:
        raise Open311Error(400, f"attribute[{unknown[0]}] is not an attribute of service {topic.code!r}")
    kind, lines = OVER_ENFORCEMENT_KIND if topic.over_enforcement else DEFAULT_KIND, []
    for code, attribute in attributes.items():
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise Open311Error(400, f"attribute[{code}] is required for service {topic.code!r}")
            continue
        answer = _checked(attribute, values)
        if code == RESERVED_ATTRIBUTE:
            kind = values[0]
        else:
            lines.append(f"{attribute.zh}：{answer}")
    return kind, lines
