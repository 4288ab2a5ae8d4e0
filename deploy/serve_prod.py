"""Run the production setup on this machine: nginx in front of `renkei serve --workers N` on PostgreSQL.

``make serve-prod`` runs ``python deploy/serve_prod.py``: it renders deploy/nginx.conf.template into a run folder
(``var/prod`` by default; the system's /etc/nginx is never touched), starts the portal's workers, waits until they
answer, starts nginx, and stays in front until Ctrl-C or ``make stop-prod`` (SIGTERM), when it stops nginx and the
workers and removes its pid file. A worker or nginx that dies takes the other down too (exit status 1).

    python deploy/serve_prod.py [--listen 127.0.0.1:8080] [--app 127.0.0.1:8001] [--workers 2]
                                [--database-url postgresql+psycopg://postgres@127.0.0.1/renkei] [--run-dir var/prod]
    python deploy/serve_prod.py stop [--run-dir var/prod]
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATE = DEPLOY_DIR / "nginx.conf.template"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/renkei"
NGINX = "/usr/sbin/nginx"
PID_FILE = "serve-prod.pid"
#: How long nginx keeps a public page before asking the portal again (with the page's ETag).
FRESH = "1s"
#: Seconds to wait for the workers (a first run imports the example plan) and for each process to stop.
START_WAIT = 300.0
STOP_WAIT = 60.0


class SetupError(RuntimeError):
    """The production setup cannot start: the message says why and what to do (Japanese, then English)."""


@dataclass(frozen=True)
class Layout:
    """Where the setup listens and keeps its files."""

    listen: str
    app: str
    run_dir: Path
    static_dir: Path

    @property
    def config(self) -> Path:
        return self.run_dir / "nginx.conf"


def render_config(layout: Layout, *, user: str | None, fresh: str = FRESH) -> str:
    """Return nginx's configuration for the layout; ``user`` names the workers' user when nginx starts as root.

    >>> text = render_config(Layout("127.0.0.1:8080", "127.0.0.1:8001", Path("/r"), Path("/s")), user=None)
    >>> "listen 127.0.0.1:8080;" in text, "server 127.0.0.1:8001;" in text, "alias /s/;" in text, "@" in text
    (True, True, True, False)
    """
    values = {
        "USER_LINE": f"user {user};" if user else "# nginx runs as the user who started it",
        "RUN_DIR": layout.run_dir.as_posix(),
        "LISTEN": layout.listen,
        "APP": layout.app,
        "STATIC_DIR": layout.static_dir.as_posix(),
        "FRESH": fresh,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def static_dir() -> Path:
    """Return the folder of the portal's static files in the installed package."""
    import renkei.web

    return Path(renkei.web.__file__).resolve().parent / "static"


def split_address(address: str) -> tuple[str, int]:
    """Read ``host:port``.

    >>> split_address("127.0.0.1:8080")
    ('127.0.0.1', 8080)
    """
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise SetupError(f"アドレスは host:port で指定してください / give the address as host:port: {address!r}")
    return host, int(port)


def check_free(address: str) -> None:
    """Refuse an address something already listens on."""
    host, port = split_address(address)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SetupError(f"{address} は使用中です（--listen か --app で別のポートを） / {address} is in use "
                             f"(choose another port with --listen or --app): {error}") from None


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when the server has none by that name (SQLite makes its own)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from renkei.store.engine import DatabaseUrlError, create_engine_from_url, normalise_database_url

    try:
        parsed = normalise_database_url(url)
    except DatabaseUrlError as error:
        raise SetupError(str(error)) from None
    if parsed.get_backend_name() != "postgresql":
        return
    engine = create_engine_from_url(parsed)
    try:
        with engine.connect():
            return
    except OperationalError as error:
        if "does not exist" not in str(error):
            shown = parsed.render_as_string(hide_password=True)
            raise SetupError(f"PostgreSQL に接続できません / cannot connect to PostgreSQL at {shown}: "
                             f"{str(error).splitlines()[0]}") from None
    finally:
        engine.dispose()
    admin = create_engine_from_url(parsed.set(database="postgres")).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()
    print(f"データベースを作りました / created the database {parsed.database}", flush=True)


def answers(url: str) -> bool:
    """Tell whether an HTTP server answers at ``url`` (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=10):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_until_answering(url: str, process: subprocess.Popen[bytes], name: str) -> None:
    """Wait until ``url`` answers; fail when the process ends first or it takes longer than START_WAIT."""
    deadline = time.monotonic() + START_WAIT
    while not answers(url):
        if process.poll() is not None:
            raise SetupError(f"{name} が終了しました / {name} exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise SetupError(f"{name} が応答しません / {name} does not answer at {url}")
        time.sleep(0.2)


def stop_process(process: subprocess.Popen[bytes], signum: int) -> None:
    """Ask a child to stop with ``signum``; kill it when it has not stopped within STOP_WAIT."""
    if process.poll() is None:
        process.send_signal(signum)
    try:
        process.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Stop(Exception):
    """SIGTERM or SIGINT arrived: stop everything."""


def _raise_stop(_signum: int, _frame: object) -> None:
    raise Stop


def start(args: argparse.Namespace) -> int:
    """Start the workers and nginx, and keep them running until told to stop."""
    if not Path(args.nginx).is_file():
        raise SetupError(f"nginx がありません（make sysdeps で入ります） / nginx is missing at {args.nginx} "
                         "(make sysdeps installs it)")
    run_dir = Path(args.run_dir).resolve()
    layout = Layout(args.listen, args.app, run_dir, static_dir())
    check_free(layout.listen)
    check_free(layout.app)
    ensure_database(args.database_url)
    for folder in ("logs", "tmp", "cache"):
        (run_dir / folder).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to "nobody", who may not read a private run folder or checkout.
    user = getpass.getuser() if os.geteuid() == 0 else None
    layout.config.write_text(render_config(layout, user=user), encoding="utf-8")
    nginx = [args.nginx, "-p", str(run_dir), "-c", str(layout.config)]
    checked = subprocess.run([*nginx, "-t", "-q"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise SetupError(f"nginx の設定に誤りがあります / nginx refuses the configuration: {checked.stderr.strip()}")

    app_host, app_port = split_address(layout.app)
    env = {**os.environ, "RENKEI_DATABASE_URL": args.database_url, "PYTHONUNBUFFERED": "1"}
    processes: list[tuple[subprocess.Popen[bytes], int]] = []
    pid_file = run_dir / PID_FILE
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        workers = subprocess.Popen([sys.executable, "-c", "from renkei.cli import main; main()", "serve",
                                    "--host", app_host, "--port", str(app_port), "--workers", str(args.workers)],
                                   env=env)
        processes.append((workers, signal.SIGTERM))  # uvicorn finishes the requests in flight, then stops
        wait_until_answering(f"http://{layout.app}/", workers, "renkei serve")
        front = subprocess.Popen(nginx)
        processes.append((front, signal.SIGQUIT))  # nginx's graceful stop
        wait_until_answering(f"http://{layout.listen}/", front, "nginx")
        pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
        print(f"本番構成を起動しました: http://{layout.listen}/ （nginx → {args.workers} ワーカー {layout.app}）",
              flush=True)
        print(f"Production setup running at http://{layout.listen}/ (nginx → {args.workers} workers on "
              f"{layout.app}); logs in {run_dir / 'logs'}; stop with Ctrl-C or `make stop-prod`", flush=True)
        while all(process.poll() is None for process, _ in processes):
            time.sleep(0.5)
        ended = next(process for process, _ in processes if process.poll() is not None)
        print(f"子プロセスが終了しました / a child process ended (pid {ended.pid}, status {ended.returncode}); "
              "stopping the rest", file=sys.stderr, flush=True)
        return 1
    except Stop:
        print("停止します / stopping", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process, signum in reversed(processes):  # nginx first: no new requests reach the stopping workers
            stop_process(process, signum)
        pid_file.unlink(missing_ok=True)


def stop(args: argparse.Namespace) -> int:
    """Tell a running setup to stop (SIGTERM to its launcher) and wait until it has."""
    pid_file = Path(args.run_dir) / PID_FILE
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        print(f"起動中の本番構成はありません / no production setup is running ({pid_file} not found)")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        print(f"プロセス {pid} はすでに終了しています / process {pid} had already ended")
        return 0
    deadline = time.monotonic() + 2 * STOP_WAIT + 10
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_file.exists():
        print(f"プロセス {pid} が停止しません / process {pid} did not stop", file=sys.stderr)
        return 1
    print("本番構成を停止しました / the production setup has stopped")
    return 0


def worker_count(text: str) -> int:
    """Read the number of workers (1 to 64).

    >>> worker_count("2")
    2
    """
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"ワーカーの数は 1〜64 / the number of workers is 1 to 64, not {text!r}")
    return int(text)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="nginx + renkei serve --workers N on PostgreSQL, on this machine")
    parser.add_argument("action", nargs="?", choices=("start", "stop"), default="start")
    parser.add_argument("--listen", default=os.environ.get("RENKEI_PROD_LISTEN", "127.0.0.1:8080"),
                        help="nginx's address (default 127.0.0.1:8080)")
    parser.add_argument("--app", default=os.environ.get("RENKEI_PROD_APP", "127.0.0.1:8001"),
                        help="the workers' address, behind nginx (default 127.0.0.1:8001)")
    parser.add_argument("--workers", type=worker_count, default=2, metavar="N",
                        help="renkei worker processes, 1-64 (default 2)")
    parser.add_argument("--database-url", default=os.environ.get("RENKEI_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--run-dir", default="var/prod", help="nginx's configuration, logs and cache (var/prod)")
    parser.add_argument("--nginx", default=NGINX, help=f"the nginx program (default {NGINX})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        return stop(args) if args.action == "stop" else start(args)
    except SetupError as error:
        print(f"エラー / error: {error}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
