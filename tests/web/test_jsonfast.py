"""The app answers JSON through orjson, including what `jsonify` writes."""

from __future__ import annotations

import json

import orjson
from flask import jsonify

from web import jsonfast


def test_jsonify_goes_through_orjson_not_the_stdlib_fallback(app):
    payload = {"title": "日本語の件名", "score": float("nan"), "ids": ["A", "B"]}
    with app.app_context():
        body = jsonify(payload).get_data()
    # The stdlib encoder writes `NaN`, which is not JSON; orjson writes null. So this tells
    # which one answered, and that a client's strict parser can read what we send.
    assert body.rstrip(b"\n") == orjson.dumps(payload)
    assert json.loads(body, parse_constant=_refuse) == {**payload, "score": None}


def _refuse(name: str) -> None:
    raise ValueError(f"not JSON: {name}")


def test_types_orjson_refuses_still_serialise_through_the_stdlib(app):
    with app.app_context():
        body = jsonify({"big": 2**70}).get_data()
    assert json.loads(body) == {"big": 2**70}


def test_loads_falls_back_for_lone_surrogates(app):
    text = '{"a": "\\ud800"}'
    assert app.json.loads(text) == {"a": "\ud800"}
    assert jsonfast.loads('{"a": 1}') == {"a": 1}
