"""``qipp render --scheduler tls://...`` on a TLS scheduler with two workers on 127.0.0.1.

What docs/howto/cluster-tls.md promises: the scheduler and workers take their certificates
on Dask's command line (``--tls-ca-file``, ``--tls-cert``, ``--tls-key``), and ``qipp
render`` gets the client's through Dask's own configuration (``DASK_DISTRIBUTED__COMM__TLS__*``
environment variables), with no option of its own. Certificates are temporary ones from
``distributed.security.Security.temporary()`` (it needs ``cryptography``, in the cluster
extra), written to files as a user's would be. The processes are started and stopped
with the helpers of tests/integration/test_render_cluster.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from render_helpers import wait_for
from test_render_cluster import BIN, Cluster, processes_mentioning

from qipp.paths import PROJECT_ROOT

NOTEBOOK = "00_claims_ledger"
WAIT_FOR_TWO_WORKERS = (
    "import sys\n"
    "from distributed import Client\n"
    "with Client(sys.argv[1], timeout=60, set_as_default=False) as client:\n"
    "    client.wait_for_workers(2, timeout=120)\n"
)


class TlsCluster(Cluster):
    """The tests' cluster, listening on ``tls://`` with the certificates in ``certs``."""

    def __init__(self, root: Path, certs: dict[str, Path]) -> None:
        super().__init__(root)
        self.address = f"tls://127.0.0.1:{self.port}"
        self.tls = ["--tls-ca-file", str(certs["ca"])]
        self.tls += ["--tls-cert", str(certs["cert"]), "--tls-key", str(certs["key"])]

    def _start(self, name: str, command: list[str], extra_env: dict | None = None):
        if command[1] == "scheduler":
            command = [*command, "--protocol", "tls"]
        return super()._start(name, [*command, *self.tls], extra_env)


def write_certificates(folder: Path) -> dict[str, Path]:
    """A self-signed certificate and its key, in PEM files only their owner can read."""
    from distributed.security import Security

    temporary = Security.temporary()
    contents = {
        "ca": temporary.tls_ca_file,
        "cert": temporary.tls_scheduler_cert,
        "key": temporary.tls_scheduler_key,
    }
    folder.mkdir()
    paths = {}
    for name, text in contents.items():
        paths[name] = folder / f"{name}.pem"
        paths[name].write_text(text)
        paths[name].chmod(0o600)
    return paths


@pytest.fixture
def tls_cluster(tmp_path):
    certs = write_certificates(tmp_path / "certs")
    running = TlsCluster(tmp_path / "cluster", certs)
    try:
        yield running, certs
    finally:
        running.stop()
        wait_for(lambda: not processes_mentioning(str(running.root)), 20, "no process left")


def test_qipp_render_reaches_a_tls_scheduler_through_dasks_configuration(tls_cluster, tmp_path):
    cluster, certs = tls_cluster
    cluster.start_scheduler()
    cluster.start_worker("worker-1")
    cluster.start_worker("worker-2")
    # Dask's own configuration, as the guide shows it: nothing qipp-specific.
    env = {
        **os.environ,
        "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(certs["ca"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(certs["cert"]),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(certs["key"]),
    }
    # Both workers joined, seen by a client holding the certificates (in a process of its
    # own: Dask reads its configuration once per process).
    joined = subprocess.run(
        [sys.executable, "-c", WAIT_FOR_TWO_WORKERS, cluster.address],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert joined.returncode == 0, joined.stderr
    out = tmp_path / "reports"
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress"]
    command += ["--only", NOTEBOOK, "--scheduler", cluster.address]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "1 rendered, 0 reused, 0 failed." in done.stdout, done.stdout
    assert (out / f"{NOTEBOOK}.html").is_file()
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert [entry["status"] for entry in entries] == ["ok"], entries
    # The scheduler listened on TLS alone (Dask logs its address once it listens).
    log = (cluster.root / "scheduler" / "log.txt").read_text(encoding="utf-8")
    assert re.search(rf"Scheduler at:\s+{re.escape(cluster.address)}", log), log
    assert "tcp://" not in log, log
