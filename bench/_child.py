"""Run one benchmark step in a child process of its own, so its peak memory is its own.

Shared by `reports_scale.py` and `export_scale.py`: each runs itself as
`script --child <way> <arguments>`, and the child prints its result as the last line of its
output, one JSON object.
"""

import json
import os
import subprocess
import sys


def measure(script: str, way: str, *arguments: str, cpu: bool = False) -> dict:
    """The child's JSON result, with its peak RSS ("peak_rss_mib", from the kernel's account
    of the child once it has exited) and, with `cpu`, its own CPU seconds ("cpu_secs": user
    and system, not the database server's)."""
    proc = subprocess.Popen(  # noqa: S603  (our script, our arguments)
        [sys.executable, script, "--child", way, *arguments],
        stdout=subprocess.PIPE,
        env={**os.environ, "PACT_ENV": "testing"},
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"{way} failed")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    if cpu:
        result["cpu_secs"] = usage.ru_utime + usage.ru_stime
    return result
