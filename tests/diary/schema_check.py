"""A small JSON Schema checker for the subset the OpenAPI document uses (type with null, enum,
required, properties, additionalProperties, items, $ref, minimum, maximum, maxLength, pattern,
format date / date-time / uuid). No extra dependency; strict where the document is."""

import re
import uuid
from datetime import date, datetime


def _type_ok(value, name):
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
    }[name]


def problems(value, schema: dict, document: dict, path="$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return problems(value, document["components"]["schemas"][name], document, path)
    found = []
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(_type_ok(value, t) for t in types):
            return [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in {schema['enum']}")
    if value is None:
        return found
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            found.append(f"{path}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{path}: {value!r} does not match {schema['pattern']}")
        fmt = schema.get("format")
        try:
            if fmt == "date":
                date.fromisoformat(value)
            elif fmt == "date-time":
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif fmt == "uuid":
                uuid.UUID(value)
        except ValueError:
            found.append(f"{path}: {value!r} is not a {fmt}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}: missing {name}")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], document, f"{path}.{name}")
            elif extra is False:
                found.append(f"{path}: unexpected {name}")
            elif isinstance(extra, dict):
                found += problems(item, extra, document, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(item, schema["items"], document, f"{path}[{i}]")
    return found


def check_response(document: dict, path_template: str, method: str, response) -> None:
    """Assert the response's status, media type and body are what the document describes."""
    operation = document["paths"][path_template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path_template}: {status} undocumented"
    described = operation["responses"][status]
    if "content" not in described:
        assert not response.data, f"{method} {path_template}: {status} should have no body"
        return
    media = response.mimetype
    assert media in described["content"], f"{method} {path_template}: {status} as {media}"
    found = problems(response.get_json(), described["content"][media]["schema"], document)
    assert found == [], found
