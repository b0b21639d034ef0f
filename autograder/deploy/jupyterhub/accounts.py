"""The hub's system users: the instructor and the roster's students, each with a home of their
own (0700: no one reads a classmate's notebooks) and a password to log in with (PAM).

Users are made once and kept for the next start; the passwords file in the deployment's state
folder lists the users this deployment made, and only those are ever changed or removed.
"""
import os
import pwd
import secrets
import signal
import time
from pathlib import Path

from .commands import run


def read_passwords(deployment):
    """{login name: password} of the users ``deployment`` made."""
    if not deployment.passwords.exists():
        return {}
    lines = deployment.passwords.read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line)


def exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_users(deployment, full_names):
    """Make every user of ``deployment`` that is missing (full_names: {login name: full name});
    returns {login name: password}. Raises RuntimeError for a user of that name that this
    deployment did not make."""
    passwords = read_passwords(deployment)
    for name in deployment.users:
        if exists(name) and name not in passwords:
            raise RuntimeError(f"a user {name!r} exists already and was not made by this hub "
                               f"(see {deployment.passwords}): choose another name")
        if not exists(name):
            passwords.setdefault(name, secrets.token_urlsafe(12))
            deployment.homes.mkdir(parents=True, exist_ok=True)
            run(["useradd", "--create-home", "--base-dir", str(deployment.homes),
                  "--shell", "/bin/bash", "--key", "HOME_MODE=0700",
                  "--comment", full_names.get(name, ""), name])
            run(["chpasswd"], input=f"{name}:{passwords[name]}\n")
            _write_passwords(deployment, passwords)
    return passwords


def _write_passwords(deployment, passwords):
    deployment.state.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = deployment.passwords.with_suffix(".new")
    written.touch(mode=0o600)
    written.write_text("".join(f"{name}:{password}\n" for name, password in passwords.items()))
    written.replace(deployment.passwords)


def remove_users(deployment):
    """End the processes of the users ``deployment`` made, and delete them with their homes."""
    made = [name for name in read_passwords(deployment) if exists(name)]
    end_processes_of(made)
    for name in made:
        run(["userdel", "--remove", name], allowed=(0, 12))  # 12: no mail spool to remove
    deployment.passwords.unlink(missing_ok=True)


def processes_of(names):
    """PIDs of the processes run by the users ``names`` (their real uid)."""
    uids = {str(pwd.getpwnam(name).pw_uid) for name in names if exists(name)}
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        real_uid = fields.get("Uid", "").split()[:1]
        if real_uid and real_uid[0] in uids:
            found.append(int(status.parent.name))
    return found


def end_processes_of(names, grace_seconds=10):
    """Stop whatever the users ``names`` still run (SIGTERM, then SIGKILL after
    ``grace_seconds``); returns how many processes there were."""
    pids = processes_of(names)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_seconds
        while processes_of(names) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not processes_of(names):
            break
    return len(pids)


def run_as(name, command, cwd, environment):
    """Run ``command`` as the user ``name`` in ``cwd`` with only ``environment`` (and HOME,
    USER); returns the CompletedProcess. Raises RuntimeError if it fails."""
    account = pwd.getpwnam(name)
    return run(command, cwd=cwd, user=account.pw_uid, group=account.pw_gid,
               extra_groups=[], env={**environment, "HOME": account.pw_dir, "USER": name})
