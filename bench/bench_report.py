"""The report at scale: the overview's size and Chromium's load time, and the report's cost.

    python bench/bench_report.py [PAIRS ...] [--runs N]      (default: 100 1000, 5 runs)

For each size, a generated corpus (bench/gen_corpus.py) in a temporary folder, checked
once to fill the cache; then `aomi18n report` from the warm cache (wall and CPU, median
of the runs), the size of index.html and of the pages folder, and the overview loaded in
headless Chromium at 1,400 px: first contentful paint and the load event, from the
page's own Performance API (median of the runs). Skips Chromium when it is absent.
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)
PROBE = """<script>
addEventListener("load", function () { setTimeout(function () {
  var paint = performance.getEntriesByName("first-contentful-paint")[0], nav = performance.getEntriesByType("navigation")[0];
  var out = document.createElement("pre"); out.id = "probe";
  out.textContent = JSON.stringify({fcp: paint ? paint.startTime : null, load: nav.loadEventEnd});
  document.body.appendChild(out);
}, 300); });
</script>"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def browser(page: Path, profile: Path) -> tuple[float, float]:
    probe = page.with_name("probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--window-size=1400,900", "--virtual-time-budget=2000", f"--user-data-dir={profile}",
                          "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="probe">([^<]*)</pre>', dom)
    data = json.loads(m.group(1).replace("&quot;", '"'))
    return data["fcp"] or float("nan"), data["load"]


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    sizes = [int(a) for a in argv if a.isdigit() and (argv.index(a) == 0 or argv[argv.index(a) - 1] != "--runs")] or [100, 1000]
    aomi18n = [sys.executable, "-m", "aomi18n"]
    print("| pairs | report wall (s) | report CPU (s) | index.html | pages | first paint (ms) | load (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="bench_report_") as t:
            root = Path(t) / "corpus"
            subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(n), str(root)], check=True, capture_output=True)
            subprocess.run(aomi18n + ["check", str(root)], cwd=root, capture_output=True)  # fill the cache
            walls, cpus, paints, loads = [], [], [], []
            for _ in range(runs):
                w, c = timed(aomi18n + ["report", str(root), "-o", str(root / "report"), "--force"], root)
                walls.append(w)
                cpus.append(c)
                if CHROMIUM:
                    p, l = browser(root / "report" / "index.html", Path(t) / "profile")
                    paints.append(p)
                    loads.append(l)
            size = (root / "report" / "index.html").stat().st_size
            pages = sum(p.stat().st_size for p in (root / "report" / "pairs").iterdir())
            fmt = (lambda xs: f"{statistics.median(xs):.0f}") if CHROMIUM else (lambda xs: "-")
            print(f"| {n} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} | {size / 1e6:.2f} MB | "
                  f"{pages / 1e6:.1f} MB | {fmt(paints)} | {fmt(loads)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
