"""`promodesk batch --ray` on a real two-node Ray cluster on 127.0.0.1: the same bytes as a serial
run, and a worker killed mid-task is retried without losing the product."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.test_batch import EXAMPLES, FAST, ROOT, ROWS, batch, generated_photo, mp4s, write_csv

RAY = Path(sys.executable).with_name("ray")
# a private test cluster on 127.0.0.1: no usage reports, and no token (Ray >= 2.5x asks every
# client for the token of ~/.ray, which a cluster started elsewhere on this machine may own)
RAY_ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
TASK_TITLE = "ray::promodesk-product"  # Ray names a worker's process after the task it runs


def test_ray_missing_says_how_to_install(tmp_path):
    block = ("import sys\nclass NoRay:\n    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'ray' or name.startswith('ray.'):\n"
             "            raise ImportError('No module named ray')\n"
             "sys.meta_path.insert(0, NoRay())\n"
             "from promodesk.cli import main\nraise SystemExit(main(sys.argv[1:]))\n")
    cat = write_csv(tmp_path / "c.csv", [ROWS[1]])
    r = subprocess.run([sys.executable, "-c", block, "batch", str(cat), "-o",
                        str(tmp_path / "out"), "--ray"], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 2
    assert "pip install 'promodesk[farm]'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive_nodes(address: str) -> int:
    r = subprocess.run([str(RAY), "status", "--address", address], capture_output=True,
                       text=True, timeout=60, env=RAY_ENV)
    active = r.stdout.split("Active:")[-1].split("Pending:")[0] if "Active:" in r.stdout else ""
    return len(re.findall(r"\bnode_[0-9a-f]+", active))


@pytest.fixture(scope="module")
def cluster():
    """A Ray head and a second worker node, both on 127.0.0.1, 2 CPUs each; each `ray start
    --block` process is ours to stop, and takes its node's processes down with it."""
    pytest.importorskip("ray", reason="the farm extra is not installed: pip install -e '.[farm]'")
    env = RAY_ENV
    temp = tempfile.mkdtemp(prefix="pdray-", dir="/tmp")  # short: Ray's socket paths must fit
    address = f"127.0.0.1:{free_port()}"
    common = ["--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "2",
              "--disable-usage-stats"]
    logs = [Path(temp) / "head.log", Path(temp) / "node2.log"]
    nodes = [subprocess.Popen([str(RAY), "start", "--head", "--port", address.split(":")[1],
                               "--include-dashboard", "false", "--temp-dir", temp, *common],
                              env=env, stdout=open(logs[0], "w"), stderr=subprocess.STDOUT)]
    try:
        deadline = time.monotonic() + 300  # a loaded 2-core machine takes its time
        for n in (1, 2):
            if n == 2:
                nodes.append(subprocess.Popen([str(RAY), "start", "--address", address, *common],
                                              env=env, stdout=open(logs[1], "w"),
                                              stderr=subprocess.STDOUT))
            while alive_nodes(address) < n:
                tail = logs[n - 1].read_text(errors="replace")[-1500:]
                assert time.monotonic() < deadline and nodes[n - 1].poll() is None, \
                    f"Ray node {n} did not start:\n{tail}"
                time.sleep(2)
        yield address, nodes
    finally:
        for node in reversed(nodes):
            node.send_signal(signal.SIGTERM)
        for node in reversed(nodes):
            try:
                node.wait(timeout=60)
            except subprocess.TimeoutExpired:
                node.kill()
                node.wait()
        shutil.rmtree(temp, ignore_errors=True)


def task_processes(nodes) -> list:
    """Ray worker processes (of our two nodes) running a product task right now."""
    import psutil

    found = []
    for node in nodes:
        try:
            for p in psutil.Process(node.pid).children(recursive=True):
                try:
                    if p.cmdline() and p.cmdline()[0].startswith(TASK_TITLE):
                        found.append(p)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
    return found


def test_ray_gives_serial_bytes_and_survives_a_killed_worker(cluster, tmp_path):
    address, nodes = cluster
    shop = tmp_path / "shop"
    shop.mkdir()
    for name in ("espresso-cup.png", "launch.jpg"):
        (shop / name).write_bytes((EXAMPLES / name).read_bytes())
    generated_photo(shop / "gen-sun.png", (230, 170, 40))
    generated_photo(shop / "gen-sea.jpg", (40, 110, 190))
    cat = write_csv(shop / "catalogue.csv", [ROWS[1], ROWS[3], ROWS[5]])

    serial = tmp_path / "serial"
    r = batch(cat, "-o", serial, *FAST)
    assert r.returncode == 0, r.stderr

    farm = tmp_path / "farm"
    proc = subprocess.Popen([sys.executable, "-m", "promodesk", "batch", str(cat), "-o",
                             str(farm), *FAST, "--ray", address, "--max-retries", "3"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=RAY_ENV)
    killed = None
    deadline = time.monotonic() + 300
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        running = task_processes(nodes)
        if running:
            time.sleep(2.0)  # let it get into the render
            victim = running[0]
            if victim.is_running():
                victim.kill()
                killed = victim.pid
        time.sleep(0.2)
    out, err = proc.communicate(timeout=600)
    assert killed is not None, "no product task was seen running to kill"
    assert proc.returncode == 0, err
    assert "3 made, 0 failed" in out
    entries = json.loads((farm / "manifest.json").read_text("utf-8"))["products"]
    assert all(e["status"] == "done" for e in entries.values())
    got, want = mp4s(farm), mp4s(serial)
    assert len(want) == 3 and got == want  # byte-identical videos, the retried one too
    for key in entries:
        assert (farm / key / f"{key}.srt").read_bytes() == (serial / key / f"{key}.srt").read_bytes()
