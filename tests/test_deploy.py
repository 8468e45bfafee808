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
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import websocket
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

import local  # noqa: E402  (deploy/local.py)

from deploy.streamlit_client import ProtocolError, Session  # noqa: E402

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


# -- a replica that exits is started again -----------------------------------------------------
class _Exited:
    """A stand-in for a replica's process: running until ``code`` is set."""

    def __init__(self, pid: int) -> None:
        self.pid, self.code = pid, None

    def poll(self) -> int | None:
        return self.code


def test_backoff_doubles_up_to_its_cap_and_a_crash_loop_gives_up():
    b = local.Backoff(first=1.0, cap=5.0, limit=5, window=300.0)
    assert [b.delay(t) for t in (0.0, 2.0, 5.0, 10.0, 16.0)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert b.delay(22.0) is None  # a sixth exit within five minutes: a crash loop
    quiet = local.Backoff()
    assert [quiet.delay(0.0), quiet.delay(10.0)] == [1.0, 2.0]
    assert quiet.delay(305.0) == 2.0  # the exit at 0 s is forgotten, the one at 10 s is not
    assert quiet.delay(1000.0) == 1.0  # a replica that ran for a while starts again at once


def test_the_supervisor_restarts_a_replica_on_its_port_after_the_backoff_and_gives_up_on_a_loop():
    replicas = [local.Replica(f"http://127.0.0.1:{p}", _Exited(p)) for p in (9001, 9002)]
    said: list[str] = []
    started: list[int] = []

    def restart(replica: local.Replica) -> None:
        started.append(replica.port)
        replica.process = _Exited(replica.process.pid + 100)

    watcher = local.Supervisor(replicas, restart, lambda: local.Backoff(limit=2), say=said.append)
    watcher.check(0.0)
    assert not said and not started  # all running
    replicas[1].process.code = -9
    watcher.check(10.0)
    assert started == [] and "replica 1 (http://127.0.0.1:9002) exited with -9" in said[-1]
    assert "again in 1 s" in said[-1]
    watcher.check(10.5)
    assert started == []  # not yet: one second
    watcher.check(11.0)
    assert started == [9002] and replicas[1].pid == 9102 and replicas[1].restarts == 1
    assert "started again (pid 9102" in said[-1]
    replicas[1].process.code = 1
    watcher.check(12.0)
    assert "again in 2 s" in said[-1]
    watcher.check(14.0)
    assert started == [9002, 9002] and replicas[1].pid == 9202
    replicas[1].process.code = 1
    watcher.check(15.0)  # a third exit, the limit is two restarts: left stopped
    assert replicas[1].given_up and "crash loop" in said[-1] and "1 other replica(s) keep serving" in said[-1]
    watcher.check(100.0)
    assert started == [9002, 9002] and not replicas[0].given_up


# -- two replicas behind nginx ----------------------------------------------------------------
LINKS = [  # (page, query): what 20 students have open
    ("playground", ""),
    ("playground", "s=himmelblau&opt=adam%2Cmomentum&steps=200"),
    ("playground", "s=saddle&opt=gd%2Cnesterov&noise=0.3&seed=4"),
    ("lessons", "lesson=saddle"),
    ("lessons", "lesson=momentum"),
]
PLAYED_STEPS = (200, 300, 400)  # what a Playground student moves the steps slider to


def _open(base: str, i: int, sessions: list[Session] | None = None) -> tuple[Session, object]:
    """A student opening link ``i``; the tab is added to ``sessions`` (to be closed) first."""
    page, query = LINKS[i % len(LINKS)]
    session = Session(base, timeout=90)
    if sessions is not None:
        sessions.append(session)
    return session, session.open(page, query)


class _Health(threading.Thread):
    """Asks nginx for /_stcore/health every 0.1 s; ``outages`` are the stretches (seconds) from
    a failed answer (an error status, a refused or reset connection) to the next good one. A slow
    answer (up to 10 s) is not a failed one: on a loaded machine the live replica's event loop can take
    seconds to answer while twenty students' scenes are computed, which measures the machine,
    not the failover (CI once saw a 2 s timeout counted as a 2.1 s outage)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop, self.asked, self.outages = url, threading.Event(), 0, []

    def run(self) -> None:
        failing_since = None
        while not self.stop.wait(0.1):
            asked = time.monotonic()
            self.asked += 1
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=10) as answer:
                    ok = answer.read() == b"ok"
            except OSError:
                ok = False
            if not ok and failing_since is None:
                failing_since = asked
            elif ok and failing_since is not None:
                self.outages.append(time.monotonic() - failing_since)
                failing_since = None
        if failing_since is not None:
            self.outages.append(time.monotonic() - failing_since)


def _play(session: Session, i: int, killed: threading.Event, played: dict) -> None:
    """A student who moves a widget about once a second (the steps slider, or the next
    lesson) until two of the changes came after the kill; when the websocket drops, reconnects
    as the browser does. ``played[id(session)]``: (results, failures)."""
    results, failures, after = [], [], 0
    while after < 2:
        was_killed = killed.is_set()
        try:
            if "w.steps" in session.widgets:
                result = session.change("w.steps", float(PLAYED_STEPS[(len(results) + i) % 3]))
            else:
                result = session.choose("lesson", (len(results) + i) % len(session.options["lesson"]))
        except (ProtocolError, OSError, websocket.WebSocketException) as exc:
            failures.append(repr(exc))
            result = session.reconnect()
        results.append(result)
        after += was_killed
        time.sleep(1.0)
    played[id(session)] = (results, failures)


def test_two_replicas_sticky_sessions_failover_and_restart(tmp_path):
    with local.cluster(replicas=2, port=18180, folder=tmp_path) as cluster:
        sessions: list[Session] = []  # closed however the test ends (a failed assert
        health = _Health(cluster.url)  # left sockets for the next test to trip over as ResourceWarnings)
        try:
            with ThreadPoolExecutor(20) as pool:
                opened = list(pool.map(lambda i: _open(cluster.url, i, sessions), range(20)))
            placed: dict[int, list[Session]] = {0: [], 1: []}
            for session, result in opened:
                assert result.errors == [] and result.charts, (session.path, result.errors)
                # the page, its websocket and everything between went to one replica
                replicas = {cluster.replica_of(u) for u in session.upstreams}
                assert len(replicas) == 1 and len(session.upstreams) >= 2, session.upstreams
                placed[replicas.pop()].append(session)
            assert placed[0] and placed[1], "the route cookie should spread sessions over both"

            # twenty students play while replica 0 is killed as the OOM killer would (SIGKILL)
            health.start()
            killed, played = threading.Event(), {}
            with ThreadPoolExecutor(20) as pool:
                plays = [pool.submit(_play, s, i, killed, played) for i, (s, _) in enumerate(opened)]
                time.sleep(1.5)
                dead = cluster.replicas[0]
                old_pid = dead.pid
                dead.kill()
                killed.set()
                at = time.monotonic()
                back = None
                while back is None and time.monotonic() - at < 30:
                    if local._healthy(dead.url):
                        back = time.monotonic() - at
                    time.sleep(0.1)
                for play in plays:
                    play.result()
            health.stop.set()
            health.join()

            # the replica was started again on its port, and Cluster.replicas[0] is the new process
            assert back is not None and back <= 30, "the killed replica should be back within 30 s"
            assert dead is cluster.replicas[0] and dead.pid != old_pid and dead.process.poll() is None
            assert dead.restarts == 1
            # nginx answered the health check all along (it retries the live replica)
            assert health.asked > 20 and max(health.outages, default=0.0) <= 1.0, health.outages
            # the other replica's students saw nothing: no error, the same connection, one replica
            for session in placed[1]:
                results, failures = played[id(session)]
                assert failures == [] and session.reconnects == 0, failures
                assert all(r.errors == [] and r.charts for r in results)
                assert {cluster.replica_of(u) for u in session.upstreams} == {1}
            # the killed replica's students lost their websocket, reconnected, and played on
            for session in placed[0]:
                results, failures = played[id(session)]
                assert failures and session.reconnects == len(failures) == 1, failures
                assert all(r.errors == [] and r.charts for r in results)
            # ... and their link is their scene: a new tab on that link draws the same charts
            tabs = [Session(cluster.url, timeout=90) for _ in placed[0]]
            sessions += tabs
            with ThreadPoolExecutor(len(tabs)) as pool:
                again = list(pool.map(lambda tab, s: tab.open(s.path, s.query), tabs, placed[0]))
            for session, fresh in zip(placed[0], again, strict=True):
                assert fresh.errors == [] and fresh.charts == played[id(session)][0][-1].charts, session.query
        finally:
            health.stop.set()
            for session in sessions:
                session.close()
