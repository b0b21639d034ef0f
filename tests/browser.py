"""What the browser tests share: Debian's Chromium, started headless with nothing that reaches
out to the network, and a free port on 127.0.0.1 for the server under test."""
import shutil
import socket

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
NEEDS_CHROMIUM = "needs chromium (`make setup` as root installs it)"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
