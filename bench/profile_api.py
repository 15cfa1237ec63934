"""Where our API spends its time under load: py-spy on ``pith-graph serve`` while wrk runs.

    .venv/bin/python bench/profile_api.py resolve [--concurrency 32] [--duration 15]

Uses the benchmark's database and bodies (``bench/.data/real``). Writes the collapsed stacks to
``bench/results/profile-<workload>.txt`` and prints the functions with the most samples
(inclusive, and where the sample was taken), grouped by package.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench
import env
import workloads


def summarize(collapsed: Path, top: int = 25) -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    if not total:
        return "no samples"
    out = [f"{total} samples", "", "inclusive:"]
    out += [f"  {100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    out += ["", "own (leaf):"]
    out += [f"  {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("workload", choices=workloads.WORKLOADS)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    work = Path(tempfile.mkdtemp(prefix="pith-profile-"))
    out = api_bench.RESULTS / f"profile-{args.workload}.txt"
    with env.database("real") as db:
        env.ensure_real_data(db)
        load = workloads.build(db.driver)[args.workload]
        bodies = work / "bodies.jsonl"
        workloads.write_bodies(load.ours, bodies)
        server = api_bench.start_ours(db, work / "ours.log")
        try:
            api_bench.run_wrk(server.url, bodies, args.concurrency, 3, 10**9)
            spy = subprocess.Popen([py_spy, "record", "--pid", str(server.process.pid), "--rate",
                                    str(args.rate), "--format", "raw", "--nonblocking",
                                    "--duration", str(int(args.duration)), "-o", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
            m = api_bench.run_wrk(server.url, bodies, args.concurrency, args.duration - 2, 10**9)
            spy.wait()
        finally:
            server.stop()
    print(f"{args.workload} c={args.concurrency}: {m}")
    print(summarize(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
