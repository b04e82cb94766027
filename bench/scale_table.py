"""Prints bench/scale.sh's figures, small database against large, as a Markdown table."""
import json
import re
import sys
from pathlib import Path

data, small, large = Path(sys.argv[1]), sys.argv[2], sys.argv[3]


def load_figures(phase):
    figures = {}
    for mode in ("signin", "refresh"):
        # The load ran in parts of equal size: the mean of their figures, the worst p99.
        text = (data / f"{phase}.{mode}").read_text()
        mean = lambda pattern: sum(map(float, re.findall(pattern, text))) / len(re.findall(pattern, text))
        rate = mean(r"throughput=([\d.]+)/s")
        p99 = max(map(float, re.findall(r"p99=([\d.]+)ms", text)))
        cpu = mean(r"server_cpu_us_per_op=([\d.]+)")
        floor = mean(r"floor_us_per_op=([\d.]+)")
        figures[f"{mode}: server CPU per op (floor)"] = (cpu / 1000, floor / 1000, "ms")
        figures[f"{mode}: throughput, p99"] = (rate, p99, "/s")
    for name, f in json.loads((data / f"{phase}.json").read_text()).items():
        if "p50_ms" in f:
            figures[f"{name}: p50"] = (f["p50_ms"], None, "ms")
        else:
            figures[name] = (f["mean_ms"], None, "ms")
    return figures


before, after = load_figures("small"), load_figures("large")
print(f"\n| call | {small} users, 2 apps | {large} users, +apps | large / small |")
print("|---|---|---|---|")
for name, (value, extra, unit) in before.items():
    value2, extra2, _ = after[name]
    show = lambda v, e: f"{v:.2f} {unit}" + (f" ({e:.2f})" if e is not None and unit == "ms" else "") + (f", p99 {e:.1f} ms" if e is not None and unit == "/s" else "")
    print(f"| {name} | {show(value, extra)} | {show(value2, extra2)} | {value2 / value:.2f} |")
