"""``make bench``: every benchmark in turn, each in its own process, with short defaults.

    .venv/bin/python bench/run.py [--full]

``--full`` uses the scripts' own (longer) defaults instead.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

SHORT = {
    "pages.py": ["--seconds", "1", "--max-requests", "300", "--scale", "0.2"],
    "intake.py": ["-n", "1000", "--procs", "4"],
    "landing.py": ["--seconds", "3", "--gunicorn"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the scripts' own defaults (slower)")
    args = parser.parse_args()
    failed = []
    for script, short in SHORT.items():
        cmd = [sys.executable, str(BENCH / script), *([] if args.full else short)]
        print(f"\n######## {script} {' '.join(cmd[2:])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(cmd).returncode
        print(f"######## {script}：退出码 {code} · 用时 {time.monotonic() - started:.0f} 秒", flush=True)
        if code:
            failed.append(script)
    if failed:
        print(f"\n失败：{'、'.join(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
