"""A small QTI 2.1 responseProcessing evaluator: the expressions and rules Fuente's QTI writer
uses (variable, baseValue, correct, match, isNull, mapResponse, divide, sum, gte, lte, lt, and,
index, multiple; responseCondition and setOutcomeValue), read as the QTI 2.1 specification
defines them, including NULL (None) propagation. Enough to check that an item scores a
response as Fuente does; not a QTI engine."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


def _tag(node: ET.Element) -> str:
    return node.tag.removeprefix(NS)


def _parse(base_type: str, text: str) -> Any:
    if base_type == "float":
        return float(text)
    if base_type == "integer":
        return int(text)
    return text


def score(item: bytes, response: Any) -> dict[str, Any]:
    """The outcomes after responseProcessing of one response (None for no response)."""
    root = ET.fromstring(item)
    declaration = root.find(f"{NS}responseDeclaration")
    outcomes: dict[str, Any] = {}
    for outcome in root.findall(f"{NS}outcomeDeclaration"):
        value = outcome.find(f"{NS}defaultValue/{NS}value")
        outcomes[outcome.get("identifier")] = (
            _parse(outcome.get("baseType"), value.text) if value is not None else None
        )
    state = {"RESPONSE": response, **outcomes}

    def expression(node: ET.Element) -> Any:
        tag = _tag(node)
        children = list(node)
        if tag == "variable":
            return state[node.get("identifier")]
        if tag == "baseValue":
            return _parse(node.get("baseType"), node.text or "")
        if tag == "correct":
            values = [v.text for v in declaration.findall(f"{NS}correctResponse/{NS}value")]
            return values[0] if declaration.get("cardinality") == "single" else values
        if tag == "isNull":
            value = expression(children[0])
            return value is None or value == [] or value == ""
        if tag == "match":
            a, b = (expression(c) for c in children)
            if a is None or b is None:
                return None
            if isinstance(a, list) and declaration.get("cardinality") != "ordered":
                return sorted(a) == sorted(b)
            return a == b
        if tag == "mapResponse":
            return map_response()
        if tag in ("divide", "sum", "gte", "lte", "lt"):
            values = [expression(c) for c in children]
            if any(v is None for v in values):
                return None
            if tag == "divide":
                return None if values[1] == 0 else values[0] / values[1]
            if tag == "sum":
                return sum(values)
            a, b = values
            return {"gte": a >= b, "lte": a <= b, "lt": a < b}[tag]
        if tag == "and":
            values = [expression(c) for c in children]
            return None if any(v is None for v in values) else all(values)
        if tag == "index":
            container = expression(children[0])
            n = int(node.get("n"))
            return container[n - 1] if container and len(container) >= n else None
        if tag == "multiple":
            out: list[Any] = []
            for c in children:
                value = expression(c)
                if value is None:
                    continue
                out.extend(value if isinstance(value, list) else [value])
            return out
        raise AssertionError(f"unexpected expression {tag}")

    def map_response() -> float:
        mapping = declaration.find(f"{NS}mapping")
        base_type = declaration.get("baseType")
        entries = []
        for entry in mapping.findall(f"{NS}mapEntry"):
            sensitive = entry.get("caseSensitive", "true") == "true"
            entries.append((entry.get("mapKey"), float(entry.get("mappedValue")), sensitive))
        value = state["RESPONSE"]
        values = value if isinstance(value, list) else [value]
        total = 0.0
        for given in dict.fromkeys(values):  # each distinct value counts once
            for key, mapped, sensitive in entries:
                same = (
                    given == key
                    if sensitive or base_type != "string"
                    else (given.casefold() == key.casefold())
                )
                if same:
                    total += mapped
                    break
            else:
                total += float(mapping.get("defaultValue", "0"))
        if mapping.get("lowerBound") is not None:
            total = max(total, float(mapping.get("lowerBound")))
        if mapping.get("upperBound") is not None:
            total = min(total, float(mapping.get("upperBound")))
        return total

    def rules(nodes: list[ET.Element]) -> None:
        for node in nodes:
            tag = _tag(node)
            if tag == "setOutcomeValue":
                state[node.get("identifier")] = expression(node[0])
            elif tag == "responseCondition":
                for branch in node:
                    if _tag(branch) == "responseElse":
                        rules(list(branch))
                        break
                    if expression(branch[0]) is True:
                        rules(list(branch)[1:])
                        break
            else:
                raise AssertionError(f"unexpected rule {tag}")

    rules(list(root.find(f"{NS}responseProcessing")))
    return state
