"""JupyterHub of the course on one grading machine (README, "Running a graded class").

``python -m autograder.deploy.jupyterhub`` (``make hub``) prepares the deployment and starts
JupyterHub with this file, as root; $DLBIO_HUB_ROOT names the deployment's folder
(``deployment.py`` says what is in it).

- Who: local system users log in with their passwords (PAM): the instructor and the roster's
  students, no one else.
- Where: each user's JupyterLab is a local process run as that user (LocalProcessSpawner),
  from the Python of their role: the instructor's has the course kit and nbgrader's formgrader
  and opens in the course folder; a student's has only the student kit, the assignment list and
  Validate, and opens in their home. formgrader's Autograde so runs as the instructor, not root
  (``autograder doctor`` as the instructor says which sandbox bounds hold).
- What pages load: MathJax comes from the hub itself (a static service), not from a CDN.
"""
import os
import sys

from autograder.deploy.jupyterhub.deployment import PROXY, Deployment

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)
deployment = Deployment.load(os.environ["DLBIO_HUB_ROOT"])

c.JupyterHub.bind_url = deployment.url
c.JupyterHub.hub_port = deployment.hub_port
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{deployment.proxy_api_port}"
c.JupyterHub.db_url = f"sqlite:///{deployment.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(deployment.state / "jupyterhub_cookie_secret")

# MathJax 2 for formgrader's grading page and the feedback pages, at /services/mathjax/ (public,
# static files only, from the folder the launcher links to the MathJax that npm installed).
c.JupyterHub.services = [{
    "name": "mathjax", "url": f"http://127.0.0.1:{deployment.mathjax_port}",
    "command": [sys.executable, "-m", "autograder.deploy.jupyterhub.static_files",
                str(deployment.mathjax_port), str(deployment.state / "static")]}]

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(deployment.users)

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["LANG", "LC_ALL"]  # nothing else of root's environment
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def run_in_the_users_environment(spawner):
    """The user's server runs from the Python of their role; the instructor's opens in the
    course folder and tells the course kit where the course is (its quiz banks)."""
    user = spawner.user.name
    env = deployment.environment(user)
    spawner.cmd = [str(env / "bin" / "jupyterhub-singleuser")]
    spawner.environment = {"PATH": f"{env / 'bin'}:/usr/bin:/bin"}
    if user == deployment.instructor:
        spawner.notebook_dir = str(deployment.course)
        spawner.environment["DLBIO_COURSE_ROOT"] = str(deployment.course)
        spawner.environment["JUPYTER_PATH"] = str(deployment.templates)


c.Spawner.pre_spawn_hook = run_in_the_users_environment
