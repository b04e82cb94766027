"""`auth-return backup` of a running server under sign-up load, and `auth-return restore`
elsewhere: every user whose sign-up was confirmed before the backup began signs in on the
restored server (boto3). A restore is refused over a database without --force, without the
master key, and with another deployment's master key, and then changes nothing.

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time


from support import (  # noqa: F401  (auth_return is a fixture)
    auth_return,
    clean_env,
    code_of,
    confirm,
    create_app,
    free_port,
    make_idp_client,
    password_auth,
    run_cli,
    sign_up,
    unique_email,
    wait_for_message,
)

UNLIMITED = ("--rate-limit-sign-up", "0", "--rate-limit-sign-in", "0", "--rate-limit-codes", "0")


def cli(*args: str, data_dir, listen: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [os.environ["AUTH_RETURN_BIN"], *args, "--data-dir", str(data_dir),
         "--listen", listen or f"127.0.0.1:{free_port()}"],
        capture_output=True, text=True, env=clean_env(), timeout=120,
    )


def test_a_backup_taken_under_load_restores_every_acknowledged_user(auth_return, tmp_path):
    server = auth_return(*UNLIMITED)
    app = create_app(server, "Backed up")
    idp = make_idp_client(server.url)
    acknowledged: list[tuple[str, float]] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def sign_up_users():
        while not stop.is_set():
            email = unique_email("backup")
            try:
                sign_up(idp, app, email)
                confirm(idp, app, email, code_of(wait_for_message(server.outbox, email)))
            except BaseException as e:  # noqa: BLE001  (reported below)
                failures.append(e)
                return
            acknowledged.append((email, time.monotonic()))

    workers = [threading.Thread(target=sign_up_users) for _ in range(4)]
    for worker in workers:
        worker.start()
    while len(acknowledged) < 12 and not failures:
        time.sleep(0.05)
    began = time.monotonic()
    backup = tmp_path / "auth-return-backup.db"
    out = run_cli("backup", "--to", str(backup), data_dir=server.data_dir, listen=server.listen)
    count_during = len(acknowledged)
    time.sleep(0.5)
    stop.set()
    for worker in workers:
        worker.join()
    assert not failures, failures
    assert len(acknowledged) > count_during, "the load did not go on during the backup"
    assert f"to {backup}" in out and "the master key is not in it" in out, out
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    # Elsewhere: the same master key, then the backup; a server there signs them all in.
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copy(server.data_dir / "master.key", restored_dir / "master.key")
    out = run_cli("restore", "--from", str(backup), data_dir=restored_dir,
                  listen=f"127.0.0.1:{free_port()}")
    assert "restored" in out and "users" in out, out
    restored = auth_return(data_dir=restored_dir)
    restored_idp = make_idp_client(restored.url)
    before = [email for email, at in acknowledged if at < began]
    assert len(before) >= 12
    for email in before:
        tokens = password_auth(restored_idp, app, email)["AuthenticationResult"]
        assert tokens["IdToken"], email


def test_a_restore_refuses_what_would_lose_or_mismatch_data(auth_return, tmp_path):
    server = auth_return()
    app = create_app(server, "Guarded")
    backup = tmp_path / "guarded.db"
    run_cli("backup", "--to", str(backup), data_dir=server.data_dir, listen=server.listen)

    # The file exists: a second backup does not overwrite it.
    again = cli("backup", "--to", str(backup), data_dir=server.data_dir)
    assert again.returncode != 0 and "already exists" in again.stderr, again.stderr

    # Over the live database, without --force.
    refused = cli("restore", "--from", str(backup), data_dir=server.data_dir)
    assert refused.returncode != 0
    assert "already holds a database" in refused.stderr, refused.stderr
    assert "--force" in refused.stderr, refused.stderr

    # Without a master key.
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = cli("restore", "--from", str(backup), data_dir=empty)
    assert refused.returncode != 0
    assert "needs the backed-up deployment's master key" in refused.stderr, refused.stderr
    assert list(empty.iterdir()) == []

    # With another deployment's master key: nothing is put in place.
    other = tmp_path / "other"
    other.mkdir()
    (other / "master.key").write_text("ab" * 32)
    os.chmod(other / "master.key", 0o600)
    refused = cli("restore", "--from", str(backup), data_dir=other)
    assert refused.returncode != 0
    assert "does not open this backup's keys" in refused.stderr, refused.stderr
    assert sorted(p.name for p in other.iterdir()) == ["master.key"]

    # Not a database of ours.
    text = tmp_path / "notes.txt"
    text.write_text("just words")
    shutil.copy(server.data_dir / "master.key", other / "master.key")
    refused = cli("restore", "--from", str(text), data_dir=other)
    assert refused.returncode != 0 and "notes.txt" in refused.stderr, refused.stderr

    # PostgreSQL deployments use pg_dump.
    refused = subprocess.run(
        [os.environ["AUTH_RETURN_BIN"], "backup", "--to", str(tmp_path / "pg.db"),
         "--database-url", "postgres://nobody@127.0.0.1:1/none"],
        capture_output=True, text=True, env=clean_env(), timeout=60,
    )
    assert refused.returncode != 0 and "pg_dump" in refused.stderr, refused.stderr
    assert app["app_id"]
