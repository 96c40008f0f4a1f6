"""deploy/: compose.yaml against the Compose Specification's JSON Schema, the Kubernetes
manifests against the Kubernetes API's schemas (kubernetes-validate, strict), and what the
schemas cannot say: replicas behind one proxy that is trusted, health checks on healthz,
migrations before the replicas, settings that exist. (No Docker or cluster here: the topology
itself is rehearsed on loopback in tests/web/test_replicas.py.)"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
HEALTHZ = "/api/v1/healthz"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_schema() -> dict:
    files = importlib.resources.files("check_jsonschema")
    return json.loads((files / "builtin_schemas/vendor/compose-spec.json").read_text())


def manifests() -> list[dict]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = []
    for name in kustomization["resources"]:
        docs += [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
    return docs


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


def known_settings() -> set[str]:
    """Every environment variable the code reads (SPAMSCORE_*, DATABASE_URL, REDIS_URL)."""
    names: set[str] = set()
    for path in [*ROOT.glob("web/**/*.py"), *ROOT.glob("scorer/**/*.py")]:
        names |= set(
            re.findall(r'"((?:SPAMSCORE_[A-Z0-9_]+)|DATABASE_URL|REDIS_URL)"', path.read_text())
        )
    return names


# --- compose -------------------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification():
    schema = compose_schema()
    jsonschema.validate(compose(), schema)
    broken = compose()
    broken["services"]["app"]["healthchek"] = broken["services"]["app"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        jsonschema.validate(broken, schema)


def test_compose_runs_replicas_behind_a_trusted_proxy_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app", "inbox", "proxy"}
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["environment"]["SPAMSCORE_TRUSTED_PROXIES"] == "1"
    assert "ports" not in app  # reachable through the proxy only
    for name, service in services.items():
        if name != "migrate":
            assert service["healthcheck"]["test"], name
    assert HEALTHZ in " ".join(app["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"
    # the schema is migrated once, before any replica or inbox starts
    assert services["migrate"]["command"] == ["spamscore", "db", "upgrade"]
    for name in ("app", "inbox"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        env = services[name]["environment"]
        assert env["SPAMSCORE_DB_AUTO_UPGRADE"] == "0"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert set(env) <= known_settings(), set(env) - known_settings()
    # the proxy is configured with the very file the loopback rehearsal runs
    mounts = [volume.split(":")[0] for volume in services["proxy"]["volumes"]]
    assert "./nginx/spamscore-proxy.conf" in mounts
    for mount in mounts:
        assert (DEPLOY / mount).is_file(), mount
    nginx_conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert "include /etc/nginx/spamscore-proxy.conf;" in nginx_conf
    assert re.search(r"server app:8025 resolve", nginx_conf)


# --- Kubernetes ----------------------------------------------------------------------------


def test_kubernetes_manifests_are_valid_against_the_api_schemas():
    import kubernetes_validate

    docs = manifests()
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "ConfigMap", "Secret"}
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30", strict=True)
    broken = copy.deepcopy(by_kind("Deployment")["spamscore-web"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, "1.30", strict=True)


def test_the_web_deployment_migrates_first_and_is_probed_on_healthz():
    web = by_kind("Deployment")["spamscore-web"]
    assert web["spec"]["replicas"] >= 2
    pod = web["spec"]["template"]["spec"]
    assert [c["command"] for c in pod["initContainers"]] == [["spamscore", "db", "upgrade"]]
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == HEALTHZ and get["port"] in ports, probe
    settings = by_kind("ConfigMap")["spamscore-settings"]["data"]
    secrets = by_kind("Secret")["spamscore-secrets"]["stringData"]
    assert settings["SPAMSCORE_TRUSTED_PROXIES"] == "1"
    assert settings["SPAMSCORE_DB_AUTO_UPGRADE"] == "0"
    assert {"DATABASE_URL", "REDIS_URL"} <= set(secrets)
    env = {e["name"] for e in container.get("env", [])}
    assert set(settings) | set(secrets) | env <= known_settings()
    for source in container["envFrom"] + pod["initContainers"][0]["envFrom"]:
        ref = source.get("configMapRef") or source.get("secretRef")
        assert ref["name"] in ("spamscore-settings", "spamscore-secrets")


def test_services_and_ingress_point_at_what_exists():
    deployments = by_kind("Deployment")
    services = by_kind("Service")
    for name, service in services.items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items(), name
        ports = {
            p["name"]
            for c in deployments[name]["spec"]["template"]["spec"]["containers"]
            for p in c["ports"]
        }
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports, name
    backend = by_kind("Ingress")["spamscore-web"]["spec"]["rules"][0]["http"]["paths"][0]
    service = services[backend["backend"]["service"]["name"]]
    assert backend["backend"]["service"]["port"]["name"] in {
        p["name"] for p in service["spec"]["ports"]
    }
    inbox = deployments["spamscore-inbox"]["spec"]["template"]["spec"]
    assert [c["command"] for c in inbox["initContainers"]] == [["spamscore", "db", "upgrade"]]
