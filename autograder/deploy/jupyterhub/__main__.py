"""``make hub``: prepare the course's JupyterHub on this machine, start it, stop it on Ctrl-C.

    python -m autograder.deploy.jupyterhub --wheels dist [--root /srv/dlbio-hub] [--port 8000]
        [--roster roster.csv] [--instructor instructor]
    python -m autograder.deploy.jupyterhub --root /srv/dlbio-hub --remove

Run as root. Preparing makes what is missing and keeps what is there (users, environments,
the course folder with its gradebook), so a second start is quick and the class goes on.
``--remove`` deletes the users it made (with their homes) and the deployment's folder.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import accounts, course_folder, environments
from .deployment import MATHJAX, PROXY, Deployment, read_roster

HERE = Path(__file__).resolve().parent
READY_SECONDS = 180


def prepare(deployment, roster, wheels, python, torch):
    """Users, environments, course folder, exchange and gradebook; returns the passwords."""
    deployment.state.mkdir(mode=0o700, parents=True, exist_ok=True)
    students = read_roster(roster)
    names = {student.id: student.full_name for student in students}
    names[deployment.instructor] = "Instructor"
    passwords = accounts.ensure_users(deployment, names)
    print(f"Building the students' and the instructor's Python in {deployment.root}/envs "
          f"(minutes the first time)...", flush=True)
    environments.build_both(deployment, python, torch, newest(wheels, "dlbio_student"),
                            newest(wheels, "dlbio_course"))
    course_folder.make_course_folder(deployment, roster)
    course_folder.make_exchange(deployment)
    course_folder.import_roster(deployment)
    mathjax_from_the_hub(deployment)
    deployment.save()
    return passwords


def mathjax_from_the_hub(deployment):
    """The MathJax service's folder (a link to the MathJax npm installed) and the instructor's
    nbconvert template that loads MathJax from it."""
    served = deployment.state / "static" / "services" / "mathjax"
    served.parent.mkdir(parents=True, exist_ok=True)
    served.unlink(missing_ok=True)
    served.symlink_to(MATHJAX)
    template = deployment.templates / "nbconvert" / "templates" / "base" / "mathjax.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "mathjax.html.j2", template)


def newest(folder, distribution):
    """The most recently built wheel of ``distribution`` in ``folder``."""
    wheels = sorted(Path(folder).glob(f"{distribution}-*.whl"),
                    key=lambda path: path.stat().st_mtime)
    if not wheels:
        raise RuntimeError(f"no {distribution} wheel in {folder}: `make student-kit course-kit` "
                           f"builds both")
    return wheels[-1]


def sandbox_report(deployment):
    """What formgrader's Autograde gets here: ``autograder doctor`` run as the instructor."""
    env = deployment.environment(deployment.instructor)
    result = accounts.run_as(deployment.instructor, [env / "bin" / "autograder", "doctor"],
                             cwd=deployment.course,
                             environment={"PATH": f"{env / 'bin'}:/usr/bin:/bin",
                                          "LANG": "C.UTF-8"})
    return result.stdout


def serve(deployment, passwords):
    """Run JupyterHub until Ctrl-C (or SIGTERM); then stop it and whatever its users left."""
    for number in (signal.SIGINT, signal.SIGTERM):  # even where a shell ignores SIGINT
        signal.signal(number, signal.default_int_handler)
    hub = subprocess.Popen([sys.executable, "-m", "jupyterhub",
                            "-f", HERE / "jupyterhub_config.py"],
                           cwd=deployment.state, start_new_session=True,
                           env={**os.environ, "DLBIO_HUB_ROOT": str(deployment.root)})
    try:
        wait_until_ready(deployment, hub)
        print(logins(deployment, passwords), flush=True)
        hub.wait()
    except KeyboardInterrupt:
        print("\nStopping the hub...", flush=True)
    finally:
        stop(deployment, hub)


def wait_until_ready(deployment, hub):
    """Wait until the hub answers on its URL; raises RuntimeError if it exits or takes long."""
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{deployment.url}/hub/health", timeout=5)
            return
        except OSError:
            if hub.poll() is not None:
                raise RuntimeError(f"JupyterHub exited (status {hub.returncode}); its log is "
                                   f"above") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not answer at {deployment.url} within "
                                   f"{READY_SECONDS} s") from None
            time.sleep(0.5)


def logins(deployment, passwords):
    """What to tell the person who started the hub: the URL and how to log in."""
    student = deployment.students[0]
    return (f"\nThe course's JupyterHub is ready at {deployment.url}  (Ctrl-C stops it)\n"
            f"  instructor: user {deployment.instructor}, password "
            f"{passwords[deployment.instructor]}\n"
            f"              JupyterLab opens in the course folder; Nbgrader > Formgrader "
            f"releases, collects, grades and returns feedback\n"
            f"  a student:  user {student}, password {passwords[student]}\n"
            f"              Nbgrader > Assignments fetches, validates and submits\n"
            f"  every user and password (root's only): {deployment.passwords}\n")


def stop(deployment, hub):
    """Stop JupyterHub (it stops every user's server and the proxy), then end what is left:
    the hub's process group, and any process of the deployment's users."""
    if hub.poll() is None:
        hub.send_signal(signal.SIGINT)
        try:
            hub.wait(timeout=60)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
    try:
        os.killpg(hub.pid, signal.SIGKILL)  # a proxy the hub could not stop
    except ProcessLookupError:
        pass
    left = accounts.end_processes_of(deployment.users)
    print(f"The hub has stopped{f' (and {left} processes its users left)' if left else ''}.",
          flush=True)


def remove(root):
    """Delete the users the deployment at ``root`` made, with their homes, and its folder."""
    deployment = Deployment.load(root)
    accounts.remove_users(deployment)
    shutil.rmtree(deployment.root)
    print(f"Removed the hub's users and {deployment.root}.")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder.deploy.jupyterhub",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/srv/dlbio-hub"),
                        help="the deployment's folder (default: /srv/dlbio-hub)")
    parser.add_argument("--remove", action="store_true",
                        help="delete the users this hub made and its folder, and exit")
    parser.add_argument("--wheels", type=Path, default=Path("dist"),
                        help="folder with the dlbio_student and dlbio_course wheels")
    parser.add_argument("--roster", type=Path, default=HERE / "roster.csv",
                        help="the students (nbgrader's roster CSV: id,first_name,last_name,email)")
    parser.add_argument("--instructor", default="instructor", help="the instructor's login")
    parser.add_argument("--ip", default="127.0.0.1", help="where the hub listens")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--hub-port", type=int, default=8081, help="the hub's internal port")
    parser.add_argument("--proxy-api-port", type=int, default=8001,
                        help="the proxy's internal API port")
    parser.add_argument("--mathjax-port", type=int, default=8002,
                        help="the internal port of the hub's MathJax service")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="the Python the users' environments are made from (every user "
                             "must be able to run it)")
    parser.add_argument("--torch", default="torch==2.13.0", help="the torch to install")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if os.geteuid() != 0:
        print("make hub runs as root: it makes system users and starts their servers",
              file=sys.stderr)
        return 2
    if args.remove:
        remove(args.root.resolve())
        return 0
    if not (PROXY.exists() and MATHJAX.exists()):
        print(f"configurable-http-proxy or MathJax is not installed in {PROXY.parents[1]}: "
              f"`make setup` as root installs nodejs, npm and both", file=sys.stderr)
        return 2
    deployment = Deployment(args.root.resolve(), args.instructor,
                            tuple(student.id for student in read_roster(args.roster)),
                            course_folder.course_id_of(), args.ip, args.port, args.hub_port,
                            args.proxy_api_port, args.mathjax_port)
    passwords = prepare(deployment, args.roster, args.wheels, args.python, args.torch)
    print(f"What formgrader's Autograde gets here (autograder doctor as "
          f"{deployment.instructor}):\n{sandbox_report(deployment)}", flush=True)
    serve(deployment, passwords)
    return 0


if __name__ == "__main__":
    sys.exit(main())
