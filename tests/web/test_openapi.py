"""The OpenAPI document is valid and describes every API route the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate


def test_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_route_is_documented_and_every_documented_path_exists(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "delete", "put", "patch")
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/v1/") or rule.rule == "/metrics"):
            continue
        if rule.endpoint == "api.docs":
            continue  # the page for people that renders this document
        path = re.sub(r"<(?:\w+:)?(\w+)>", "{id}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert documented == served


def test_batch_size_comes_from_the_settings(make_app):
    client = make_app(batch_max=7).test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    batch = document["paths"]["/api/v1/check/batch"]["post"]
    schema = batch["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["messages"]["maxItems"] == 7
    assert "Up to 7 messages" in batch["description"]
