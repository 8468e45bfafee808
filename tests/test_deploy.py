"""deploy/: nginx in front of replicas (sticky sessions, websockets, failover), compose and
Kubernetes files. Loopback only; the replica test is bounded (20 users, a few seconds each)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

import local  # noqa: E402  (deploy/local.py)

from deploy.streamlit_client import Session  # noqa: E402

pytestmark = [pytest.mark.deploy, pytest.mark.timeout(300)]

TEMPLATE_NAMES = set(re.findall(r"\$\{(LAB_\w+)\}", local.TEMPLATE.read_text()))


def test_template_names_are_the_documented_ones():
    assert {"LAB_LISTEN", "LAB_SERVERS", "LAB_CACHE"} == TEMPLATE_NAMES
    rendered = local.render("127.0.0.1:1", ["127.0.0.1:2", "127.0.0.1:3"], "/tmp/c")
    assert "${" not in rendered
    assert rendered.count("server 127.0.0.1:") == 2
    assert "$cookie_lab_route" in rendered and "$request_id" in rendered  # nginx's own left


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    site = tmp_path / "lab.conf"
    site.write_text(local.render("127.0.0.1:18080", ["127.0.0.1:18081"], str(tmp_path / "c")))
    conf = tmp_path / "nginx.conf"
    conf.write_text(local.main_conf(tmp_path, site))
    test = subprocess.run(
        [local.nginx_binary(), "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert test.returncode == 0, test.stderr
    # a broken template is refused: the check above can fail
    site.write_text(site.read_text().replace("hash $lab_route consistent;", "hash;"))
    broken = subprocess.run(
        [local.nginx_binary(), "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert broken.returncode != 0


def test_compose_file_runs_replicas_behind_the_same_template():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    lab, nginx = compose["services"]["lab"], compose["services"]["nginx"]
    assert lab["deploy"]["replicas"] >= 2
    assert (ROOT / lab["build"]["context"].replace("..", str(ROOT))).exists()
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in lab["environment"]
    assert "/_stcore/health" in " ".join(lab["healthcheck"]["test"])
    assert nginx["depends_on"]["lab"]["condition"] == "service_healthy"
    mounts = {v.split(":")[0]: v.split(":")[1] for v in nginx["volumes"]}
    assert mounts["./lab.conf.template"] == "/etc/nginx/templates/lab.conf.template"
    assert set(nginx["environment"]) >= TEMPLATE_NAMES  # every name of the template is set
    assert "lab:8501" in nginx["environment"]["LAB_SERVERS"]
    assert re.match(r"\^LAB_", nginx["environment"]["NGINX_ENVSUBST_FILTER"])


class _FakeKubernetes(BaseHTTPRequestHandler):
    """Just enough of an API server for `kubectl apply --dry-run=client`: discovery of the
    three kinds the manifest uses, and 404 for the objects (so they would be created)."""

    RESOURCES: ClassVar[dict[str, tuple[str, list[tuple[str, str]]]]] = {
        "/api/v1": ("v1", [("services", "Service")]),
        "/apis/apps/v1": ("apps/v1", [("deployments", "Deployment")]),
        "/apis/networking.k8s.io/v1": ("networking.k8s.io/v1", [("ingresses", "Ingress")]),
    }

    def log_message(self, *args) -> None:
        pass

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/api":
            self._json(200, {"kind": "APIVersions", "versions": ["v1"]})
        elif path == "/apis":
            groups = [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"},
                }
                for g in ("apps", "networking.k8s.io")
            ]
            self._json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        elif path in self.RESOURCES:
            version, kinds = self.RESOURCES[path]
            resources = [
                {"name": n, "singularName": k.lower(), "namespaced": True, "kind": k,
                 "verbs": ["create", "get", "list", "patch", "update", "delete"]}
                for n, k in kinds
            ]  # fmt: skip
            self._json(200, {"kind": "APIResourceList", "groupVersion": version,
                             "resources": resources})  # fmt: skip
        else:
            self._json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                             "reason": "NotFound", "code": 404})  # fmt: skip


def _manifest_objects(tmp_path) -> list[dict]:
    """The manifest's objects as kubectl reads them (`apply --dry-run=client -o json`, against
    a fake API server for discovery) or, where kubectl is not installed, as YAML."""
    manifest = ROOT / "deploy" / "k8s.yaml"
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return [d for d in yaml.safe_load_all(manifest.read_text()) if d]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeKubernetes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = tmp_path / "kubeconfig"
        config.write_text(
            yaml.safe_dump({
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "t", "cluster": {"server": f"http://127.0.0.1:{server.server_port}"}}],
                "contexts": [{"name": "t", "context": {"cluster": "t", "user": "t"}}],
                "current-context": "t",
                "users": [{"name": "t", "user": {}}],
            })
        )  # fmt: skip
        env = dict(os.environ, KUBECONFIG=str(config))
        applied = subprocess.run(
            [kubectl, "apply", "--dry-run=client", "--validate=false", "-o", "json",
             "-f", str(manifest)],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert applied.returncode == 0, applied.stderr
    return json.loads(applied.stdout)["items"]


def test_kubernetes_manifest(tmp_path):
    objects = {o["kind"]: o for o in _manifest_objects(tmp_path)}
    assert set(objects) == {"Deployment", "Service", "Ingress"}
    deployment, service, ingress = objects["Deployment"], objects["Service"], objects["Ingress"]
    spec = deployment["spec"]
    assert isinstance(spec["replicas"], int) and spec["replicas"] >= 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    (container,) = spec["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8501}  # the Dockerfile's port
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    secret = [e for e in container["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET"]
    assert secret and "secretKeyRef" in secret[0]["valueFrom"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


# -- two replicas behind nginx ----------------------------------------------------------------
LINKS = [  # (page, query): what 20 students have open
    ("playground", ""),
    ("playground", "s=himmelblau&opt=adam%2Cmomentum&steps=200"),
    ("playground", "s=saddle&opt=gd%2Cnesterov&noise=0.3&seed=4"),
    ("lessons", "lesson=saddle"),
    ("lessons", "lesson=momentum"),
]


def _open(base: str, i: int) -> tuple[Session, object]:
    page, query = LINKS[i % len(LINKS)]
    session = Session(base, timeout=90)
    return session, session.open(page, query)


def test_two_replicas_sticky_sessions_and_failover(tmp_path):
    with local.cluster(replicas=2, port=18180, folder=tmp_path) as cluster:
        with ThreadPoolExecutor(20) as pool:
            opened = list(pool.map(lambda i: _open(cluster.url, i), range(20)))
        placed: dict[int, list[tuple[Session, object]]] = {0: [], 1: []}
        for session, result in opened:
            assert result.errors == [] and result.charts, (session.path, result.errors)
            # the page, its websocket and everything between went to one replica
            replicas = {cluster.replica_of(u) for u in session.upstreams}
            assert len(replicas) == 1 and len(session.upstreams) >= 2, session.upstreams
            placed[replicas.pop()].append((session, result))
        assert placed[0] and placed[1], "the route cookie should spread sessions over both"

        # a student moves a slider on each replica: answered by its own replica
        last = {id(s): r for s, r in opened}  # what each tab shows now
        for i in (0, 1):
            session = next((s for s, _ in placed[i] if "w.steps" in s.widgets), None)
            if session is not None:
                moved = session.change("w.steps", 300)
                assert moved.errors == [] and "steps=300" in session.query
                last[id(session)] = moved

        cluster.replicas[0].kill()
        with ThreadPoolExecutor(20) as pool:
            gone = pool.map(lambda pair: pair[0].dropped(wait=3.0), opened)
            dropped = {id(s): g for (s, _), g in zip(opened, gone, strict=True)}
        for session, _ in placed[0]:
            assert dropped[id(session)], "the killed replica's users lose their websocket"
        for session, _ in placed[1]:
            assert not dropped[id(session)], "the other replica's users keep theirs"

        # the browser reconnects through nginx: same settings, same chart data, no error
        for session, _ in placed[0]:
            query = session.query
            again = session.reconnect()
            assert again.errors == []
            assert session.query == query
            assert again.charts == last[id(session)].charts
            assert cluster.replica_of(session.upstreams[-1]) == 1
        # ... and the other replica's users never notice: same connection, same replica
        for session, _ in placed[1]:
            assert session.reconnects == 0
            again = session._run()  # a rerun on the open websocket, as a widget change does
            assert again.errors == [] and again.charts == last[id(session)].charts
            assert {cluster.replica_of(u) for u in session.upstreams} == {1}
        for session, _ in opened:
            session.close()
