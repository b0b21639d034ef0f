"""A new venv gets the large packages this Python already has as hard links, not a second copy.

torch's CPU build is 1.5 GB in 15 000 files: pip unpacks it again into every venv it installs
it in (the hub's two, a student's). Where a requirement pins a distribution that is installed
here in a version it accepts, and every file of it lives in site-packages (its command-line
scripts aside), its files are hard-linked into the new venv's site-packages, its metadata with
them, so that pip finds it installed and installs only what else is asked for. Hard links
need the same file system; anywhere else nothing is linked and pip installs as usual.
"""
import importlib.metadata
import os
import shutil
import sys
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement

SCRIPTS = ("..", "..", "..", "bin")  # a script's place in RECORD, relative to site-packages


def site_packages(env):
    """The site-packages folder of venv ``env`` (a Path) for this Python's version."""
    return env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
        "site-packages"


def linkable(requirement):
    """The installed distribution that ``requirement`` (e.g. "torch==2.13.0") names and
    accepts, if all its files are in site-packages; else None."""
    try:
        wanted = Requirement(requirement)
        installed = importlib.metadata.distribution(wanted.name)
    except (InvalidRequirement, importlib.metadata.PackageNotFoundError):
        return None
    if not wanted.specifier.contains(installed.version, prereleases=True):
        return None
    outside = [path for path in installed.files or () if PurePosixPath(path).parts[0] == ".."]
    if not installed.files or any(PurePosixPath(path).parts[:4] != SCRIPTS
                                  for path in outside):
        return None
    return installed


def link_into(env, requirements):
    """Hard-link into venv ``env`` each of ``requirements`` this Python can lend (see the
    module's text); returns the names linked. A distribution that cannot be linked whole is
    removed again, for pip to install."""
    target = site_packages(env)
    linked = []
    for requirement in requirements:
        installed = linkable(requirement)
        if installed is None or not target.is_dir():
            continue
        made = []
        try:
            for path in installed.files:
                if PurePosixPath(path).parts[0] == "..":
                    continue
                destination = target / path
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.link(installed.locate_file(path), destination)
                made.append(destination)
        except OSError:  # another file system, or a file missing here
            for destination in made:
                destination.unlink(missing_ok=True)
            _remove_empty_folders(target, made)
            continue
        linked.append(installed.metadata["Name"])
    return linked


def _remove_empty_folders(root, files):
    for folder in sorted({parent for path in files for parent in Path(path).parents
                          if root in parent.parents}, key=lambda path: -len(path.parts)):
        if folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
