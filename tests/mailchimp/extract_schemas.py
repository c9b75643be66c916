"""Extract the JSON schemas the stand-in checks requests against, from Mailchimp's specs.

    python tests/mailchimp/extract_schemas.py [../shared/mailchimp]

Reads the published Swagger 2.0 files (campaigns-openapi.yml, lists-openapi.yml) and
writes schemas.json beside this file: for each operation Carnet uses, the schema of its
JSON body and of its query parameters. Descriptions and examples are dropped, and the
specs' `x-oneOf` (segment conditions) becomes `anyOf` so that it is enforced. The output
is committed, so the tests run without the specs.
"""

import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPECS = os.path.join(HERE, "..", "..", "..", "shared", "mailchimp")
OPERATIONS = {
    "campaigns-openapi.yml": [
        ("GET", "/campaigns"),
        ("POST", "/campaigns"),
        ("GET", "/campaigns/{campaign_id}"),
        ("PATCH", "/campaigns/{campaign_id}"),
        ("DELETE", "/campaigns/{campaign_id}"),
        ("PUT", "/campaigns/{campaign_id}/content"),
        ("POST", "/campaigns/{campaign_id}/actions/send"),
        ("POST", "/campaigns/{campaign_id}/actions/schedule"),
        ("POST", "/campaigns/{campaign_id}/actions/test"),
    ],
    "lists-openapi.yml": [("GET", "/lists/{list_id}")],
}
DROPPED = {"description", "example", "title", "x-title", "x-value", "x-discriminator", "readOnly"}


def clean(node):
    if isinstance(node, dict):
        return {
            ("anyOf" if key == "x-oneOf" else key): _clean_value(key, value)
            for key, value in node.items()
            if key not in DROPPED
        }
    if isinstance(node, list):
        return [clean(item) for item in node]
    return node


def _clean_value(key, value):
    if key == "properties":  # names of properties, not keywords: keep them all
        return {name: clean(schema) for name, schema in value.items()}
    return clean(value)


def query_schema(parameters):
    properties = {}
    for parameter in parameters:
        if parameter["in"] == "query":
            properties[parameter["name"]] = clean(
                {
                    key: value
                    for key, value in parameter.items()
                    if key not in {"name", "in", "required", "default", "collectionFormat"}
                }
            )
    return {"type": "object", "properties": properties, "additionalProperties": False}


def extract(specs_folder):
    schemas = {}
    for file_name, operations in OPERATIONS.items():
        with open(os.path.join(specs_folder, file_name), encoding="utf-8") as handle:
            spec = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for method, path in operations:
            operation = spec["paths"][path][method.lower()]
            parameters = operation.get("parameters", [])
            body = [p["schema"] for p in parameters if p["in"] == "body"]
            schemas[f"{method} {path}"] = {
                "query": query_schema(parameters),
                "body": clean(body[0]) if body else None,
            }
            if "problem" not in schemas and "default" in operation["responses"]:
                schemas["problem"] = clean(operation["responses"]["default"]["schema"])
    return schemas


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPECS
    with open(os.path.join(HERE, "schemas.json"), "w", encoding="utf-8") as handle:
        json.dump(extract(folder), handle, indent=1, sort_keys=True)
        handle.write("\n")
