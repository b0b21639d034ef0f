"""Running the system's commands for the deployment: a command that fails raises, with what it
said, so that ``make hub`` stops at the step that went wrong."""
import subprocess


def run(command, allowed=(0,), **options):
    """Run ``command`` (a list; paths allowed) with subprocess ``options``, its output captured;
    returns the CompletedProcess. Raises RuntimeError if its exit status is not ``allowed``."""
    command = [str(part) for part in command]
    result = subprocess.run(command, capture_output=True, text=True, **options)
    if result.returncode not in allowed:
        raise RuntimeError(f"{' '.join(command)} failed (exit {result.returncode}):\n"
                           f"{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result
