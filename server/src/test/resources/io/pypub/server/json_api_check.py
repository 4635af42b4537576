"""Checks pypub's JSON API against the shape of PyPI's JSON API, as a bot (Renovate, a script) reads it.

Usage: json_api_check.py EXPECTED_JSON
EXPECTED_JSON: {"base", "stage", "project", "key", "other_key", "latest", "versions", "yanked": {version: reason},
                "requires_dist", "project_urls"}
Prints OK and exits 0, or fails with an AssertionError naming what differs.
"""
import hashlib
import json
import re
import sys
from urllib.parse import urljoin

import requests

FILE_KEYS = {"filename", "packagetype", "python_version", "requires_python", "size", "digests", "md5_digest",
             "upload_time", "upload_time_iso_8601", "url", "yanked", "yanked_reason", "has_sig", "comment_text",
             "downloads"}
INFO_KEYS = {"name", "version", "summary", "description", "description_content_type", "author", "license", "keywords",
             "home_page", "classifiers", "requires_dist", "requires_python", "project_urls", "package_url",
             "project_url", "release_url", "docs_url", "yanked", "yanked_reason", "bugtrack_url", "download_url",
             "platform"}


def check_file(session, doc_url, f, yanked, reason):
    missing = FILE_KEYS - f.keys()
    assert not missing, f"file entry lacks {missing}: {f}"
    assert f["packagetype"] in ("sdist", "bdist_wheel"), f
    assert isinstance(f["size"], int) and f["size"] > 0, f
    assert re.fullmatch(r"[0-9a-f]{64}", f["digests"]["sha256"]), f
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", f["upload_time"]), f["upload_time"]
    assert f["upload_time_iso_8601"].endswith("Z"), f["upload_time_iso_8601"]
    assert f["yanked"] is yanked and f["yanked_reason"] == reason, (f["filename"], f["yanked"], f["yanked_reason"])
    # The URL serves exactly the bytes the digests and size promise.
    r = session.get(urljoin(doc_url, f["url"]))
    assert r.status_code == 200, (f["url"], r.status_code)
    assert len(r.content) == f["size"], f["filename"]
    assert hashlib.sha256(r.content).hexdigest() == f["digests"]["sha256"], f["filename"]


def main():
    e = json.loads(sys.argv[1])
    session = requests.Session()
    session.auth = ("__token__", e["key"])
    project_url = f"{e['base']}/{e['stage']}/pypi/{e['project']}/json"

    r = session.get(project_url)
    assert r.status_code == 200, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json"), r.headers["Content-Type"]
    doc = r.json()
    assert {"info", "releases", "urls", "last_serial", "vulnerabilities"} <= doc.keys(), doc.keys()
    info = doc["info"]
    missing = INFO_KEYS - info.keys()
    assert not missing, f"info lacks {missing}"
    assert info["version"] == e["latest"], info["version"]
    assert info["requires_dist"] == e["requires_dist"], info["requires_dist"]
    assert info["project_urls"] == e["project_urls"], info["project_urls"]
    assert sorted(doc["releases"]) == sorted(e["versions"]), sorted(doc["releases"])
    assert [f["filename"] for f in doc["urls"]] == [f["filename"] for f in doc["releases"][e["latest"]]]
    for version, files in doc["releases"].items():
        reason = e["yanked"].get(version)
        for f in files:
            check_file(session, project_url, f, reason is not None, reason)

    for version in e["versions"]:
        url = f"{e['base']}/{e['stage']}/pypi/{e['project']}/{version}/json"
        r = session.get(url)
        assert r.status_code == 200, (url, r.status_code)
        rel = r.json()
        assert "releases" not in rel and rel["info"]["version"] == version, rel["info"]["version"]
        reason = e["yanked"].get(version)
        assert rel["info"]["yanked"] is (reason is not None) and rel["info"]["yanked_reason"] == reason, rel["info"]
        for f in rel["urls"]:
            check_file(session, url, f, reason is not None, reason)

    # Same keys and scopes as the simple API.
    assert requests.get(project_url).status_code == 401
    assert requests.get(project_url, headers={"Authorization": "Bearer " + e["key"]}).status_code == 200
    assert requests.get(project_url, auth=("__token__", e["other_key"])).status_code == 403
    assert session.get(f"{e['base']}/{e['stage']}/pypi/no-such-project/json").status_code == 404
    print("OK")


if __name__ == "__main__":
    main()
