"""``autograder doctor`` names the sandbox student code gets here, and why."""
import os
import shutil
import subprocess
import sys

import pytest

from autograder.sandbox.isolation import detect


def doctor(**environment):
    """Run ``python -m autograder doctor`` with ``environment`` (None removes a variable)."""
    env = {key: value for key, value in {**os.environ, **environment}.items() if value is not None}
    result = subprocess.run([sys.executable, "-m", "autograder", "doctor"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_fallback_is_named_with_its_reason_and_its_limits():
    text = doctor(DLBIO_SANDBOX="fallback")
    assert "sandbox: fallback" in text
    assert "DLBIO_SANDBOX=fallback is set" in text
    assert "NOT a security boundary" in text and "bubblewrap" in text


def test_a_machine_without_bubblewrap_is_told_so():
    text = doctor(DLBIO_SANDBOX=None, PATH=os.path.dirname(sys.executable))
    assert "sandbox: fallback" in text
    assert "bubblewrap (bwrap) is not installed" in text


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_bubblewrap_is_named_when_it_works():
    text = doctor(DLBIO_SANDBOX=None)
    isolation = detect()
    assert f"sandbox: {isolation.mode}" in text and isolation.reason in text
    if isolation.mode == "bubblewrap":
        assert shutil.which("bwrap") in text and "NOT a security boundary" not in text


def test_doctor_says_which_bounds_keep_gradings_apart_and_why():
    from autograder.sandbox.isolation import bounds

    text = doctor(DLBIO_SANDBOX=None)
    for bound, holds, why in bounds(detect()):
        assert f"{'yes' if holds else 'no '}  {bound}: {why}" in text
    fallback = doctor(DLBIO_SANDBOX="fallback")
    assert "no   memory of the whole sandbox: cgroups are used only with bubblewrap" in fallback
