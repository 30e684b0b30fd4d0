"""A PostgreSQL primary and its streaming replica, as two throw-away clusters on this machine.

The machine's own cluster refuses replication connections (its pg_hba.conf has no
`replication` line, and nothing here edits /etc), so the pair is self-contained: `initdb` of a
primary in a directory of our own, then `pg_basebackup -R -X stream` of it into a second
directory started as a hot standby. Both listen on 127.0.0.1 only, their sockets in the pair's
directory, trust authentication for local connections only. Run as root, every PostgreSQL
program runs as the `postgres` user (which owns the directories, mode 0700).

Used by the replica test (reports/tests/test_replica.py) and by `make serve` with
PIAL_SERVE_REPLICA=1 (deploy/serve-local.sh):

    python deploy/pgpair.py start DIR PRIMARY_PORT REPLICA_PORT   # idempotent
    python deploy/pgpair.py stop DIR
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
wal_receiver_status_interval = 1s
shared_buffers = 64MB
# Throw-away clusters: durability is not the point, speed of the test is.
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
"""
PRIMARY_HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def bindir() -> Path:
    """PostgreSQL's server programs: PG_BINDIR, else where `initdb` is on the PATH, else the newest
    Debian install (/usr/lib/postgresql/N/bin)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    installs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not installs:
        raise FileNotFoundError("PostgreSQL (initdb, pg_basebackup, pg_ctl) introuvable : définir PG_BINDIR")
    return Path(installs[-1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def run(program: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(_as_postgres([str(bindir() / program), *args]), check=True, capture_output=True,
                          text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _own(path: Path) -> None:
    """The directory, owned by postgres (when we are root) with mode 0700, as PostgreSQL demands."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    path.chmod(0o700)


@dataclass
class Cluster:
    data: Path
    port: int
    sockets: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start(self, timeout: float = 30) -> None:
        run("pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / f"{self.data.name}.log"), "-w",
            "-t", str(int(timeout)), "-o", f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1",
            "start", timeout=timeout + 5)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while subprocess.run([str(bindir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                             check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL ne répond pas sur le port {self.port}")
            time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        if self.is_running():
            run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run([str(bindir() / "psql"), "-X", "-At", "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", "-d", database, "-c", sql], check=True, capture_output=True,
                              text=True, timeout=30).stdout.strip()


@dataclass
class Pair:
    primary: Cluster
    replica: Cluster

    def stop(self) -> None:
        self.replica.stop()
        self.primary.stop()

    def wait_replayed(self, timeout: float = 20) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.primary.psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while self.replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") != "t":
            if time.monotonic() > deadline:
                raise TimeoutError("la réplique n'a pas rejoué les écritures du primaire à temps")
            time.sleep(0.05)


def start_pair(base: Path, primary_port: int | None = None, replica_port: int | None = None) -> Pair:
    """The pair under `base` (made on first use: initdb, then a base backup), started."""
    _own(base)
    sockets = base / "sockets"
    _own(sockets)
    primary = Cluster(base / "primary", primary_port or free_port(), sockets)
    replica = Cluster(base / "replica", replica_port or free_port(), sockets)
    if not (primary.data / "PG_VERSION").exists():
        _own(primary.data)
        run("initdb", "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        with open(primary.data / "postgresql.conf", "a") as conf:
            conf.write(PRIMARY_CONF.format(port=primary.port, sockets=sockets))
        (primary.data / "pg_hba.conf").write_text(PRIMARY_HBA)
    if not primary.is_running():
        primary.start()
    if not (replica.data / "PG_VERSION").exists():
        _own(replica.data)
        run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D",
            str(replica.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync", timeout=120)
        with open(replica.data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {replica.port}\n")
    if not replica.is_running():
        replica.start()
    return Pair(primary, replica)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "start":
        ports = [int(p) for p in argv[2:4]] + [None] * (4 - len(argv[:4]))
        pair = start_pair(Path(argv[1]).resolve(), ports[0], ports[1])
        print(f"primaire {pair.primary.url} · réplique {pair.replica.url}")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        base = Path(argv[1]).resolve()
        for name in ("replica", "primary"):
            if (base / name / "postmaster.pid").exists():
                run("pg_ctl", "-D", str(base / name), "-m", "fast", "-w", "stop")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
