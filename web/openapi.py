"""The OpenAPI 3.1 document of the API, kept as YAML beside the code it describes."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from scorer import __version__

_PATH = Path(__file__).with_name("openapi.yaml")


@lru_cache(maxsize=1)
def _base() -> dict[str, Any]:
    return yaml.safe_load(_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def openapi_document(batch_max: int) -> dict[str, Any]:
    """The document with this service's batch size and version filled in."""
    doc = copy.deepcopy(_base())
    doc["info"]["x-spamscore-version"] = __version__
    batch = doc["paths"]["/api/v1/check/batch"]["post"]
    schema = batch["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"]["messages"]["maxItems"] = batch_max
    batch["description"] = batch["description"].replace("BATCH_MAX", str(batch_max))
    return doc
