"""Start-up of ``lakestack serve``: the time from spawning it to its first answer (the
health route) and its resident memory once idle. Run: ``python bench/startup.py [rounds]``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure() -> tuple[float, float]:
    """(seconds to the first answer, idle VmRSS in MiB) of one fresh server."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        argv = [sys.executable, "-m", "lakestack.cli.main", "serve", "--port", str(port)]
        argv += ["--data-dir", f"{tmp}/data", "--quiet"]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    url = f"http://127.0.0.1:{port}/_lakestack/health"
                    urllib.request.urlopen(url, timeout=1).read()
                    break
                except OSError:
                    if time.perf_counter() - started > 30:
                        raise
                    time.sleep(0.005)
            first = time.perf_counter() - started
            time.sleep(2)
            with open(f"/proc/{proc.pid}/status") as status:
                rss = next(line for line in status if line.startswith("VmRSS"))
            return first, int(rss.split()[1]) / 1024
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        first, rss = measure()
        print(f"first answer {first:.3f} s, idle VmRSS {rss:.1f} MiB")
