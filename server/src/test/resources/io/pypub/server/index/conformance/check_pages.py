"""Conformance checks of simple API pages, run by SimpleApiConformanceTest in the test venv.

JSON pages are validated with jsonschema against the schemas beside this script; HTML pages are
parsed with html5lib, an implementation of the WHATWG HTML parsing algorithm, and every parse
error it reports is returned (the test requires none, i.e. a strict parse). For HTML the meta
tags and anchors come back as the parser saw them (entities decoded), so the PEP 503 rules are
checked on what a client reads.

Usage: python check_pages.py MANIFEST.json
MANIFEST: a list of {"file": path, "format": "json" | "html", "schema": path (json only)}
Prints a JSON object {file: {"errors": [...], "metas": [...], "anchors": [...]}}.
"""
import json
import sys
from pathlib import Path

import html5lib
from jsonschema import Draft202012Validator


def check_json(page: Path, schema_path: Path) -> dict:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    data = json.loads(page.read_bytes())
    validator = Draft202012Validator(schema)
    errors = [
        "/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message
        for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    return {"errors": errors}


def check_html(page: Path) -> dict:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    # The server's Content-Type says UTF-8 (the test checks that header).
    document = parser.parse(page.read_bytes(), transport_encoding="utf-8")
    errors = [f"line {pos[0]} col {pos[1]}: {code} {data or ''}".rstrip() for pos, code, data in parser.errors]
    head = document.find("head")
    return {
        "errors": errors,
        "metas": [dict(m.attrib) for m in (head.iter("meta") if head is not None else [])],
        "anchors": [{"text": "".join(a.itertext()), "attrs": dict(a.attrib)} for a in document.iter("a")],
    }


def main() -> None:
    manifest = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    report = {}
    for entry in manifest:
        page = Path(entry["file"])
        if entry["format"] == "json":
            report[entry["file"]] = check_json(page, Path(entry["schema"]))
        else:
            report[entry["file"]] = check_html(page)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
