#!/usr/bin/env bash
# make scale [SCALE_SIZES="256M 2G 8G"] [SCALE_ENGINE=mrmigrate]: the scale
# benchmark. For each guest size, one `dioharness run` of a live-free save
# and load (50 % zero pages, 4 multifd channels, direct-io, strict-4k, every
# check) while a poller reads VmHWM (the kernel's peak resident set) of the
# harness, diofs and each engine process every 20 ms until it exits; VmHWM
# only grows, so the last reading of a process is its peak unless it grew in
# its final 20 ms. Writes results/scale/summary.md and each run's report.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${SCALE_OUT:-$top/results/scale}
sizes=${SCALE_SIZES:-256M 2G 8G}
engine=${SCALE_ENGINE:-mrmigrate}
work=$(mktemp -d "${TMPDIR:-/tmp}/dioharness-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for size in $sizes; do
  cat >"$work/scale-$size.json" <<EOF
{
  "name": "scale-${size,,}",
  "description": "Scale benchmark: a $size guest, half zero pages, 4 channels, direct-io, strict-4k, every check",
  "guest": {"ram": "pc.ram=$size", "seed": 11, "zero_fraction": 0.5},
  "capabilities": {"mapped-ram": true, "multifd": true},
  "parameters": {"multifd-channels": 4, "direct-io": true},
  "diofs": {"profile": "strict-4k"},
  "timeout_seconds": 900,
  "expect": {"status": "completed"}
}
EOF
done

python3 - "$top/$build/bin/dioharness" "$engine" "$work" "$out" $sizes <<'PY'
import json, os, subprocess, sys, threading, time

dioharness, engine, work, out, sizes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

def status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return fields["Name"].strip(), int(fields.get("VmHWM", "0 kB").split()[0]) * 1024, int(fields["PPid"])
    except (OSError, KeyError, ValueError):
        return None

def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            s = status(int(entry))
            if s:
                children.setdefault(s[2], []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found

rows = []
for size in sizes:
    scenario = f"{work}/scale-{size}.json"
    run_out = f"{out}/{size}"
    argv = [dioharness, "run", scenario, "--engine", engine, "--out", run_out, "--keep-logs"]
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    # The progress lines, timed: the step after the engines ("reading the op
    # log ...") starts the harness's own share of the run.
    lines = []
    reader = threading.Thread(target=lambda: lines.extend((time.monotonic(), l) for l in proc.stdout))
    reader.start()
    peaks = {}  # pid -> (name, peak bytes)
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            s = status(pid)
            if s:
                peaks[pid] = (s[0], max(s[1], peaks.get(pid, ("", 0))[1]))
        time.sleep(0.02)
    reader.join()
    wall = time.monotonic() - started
    after = next((t for t, l in lines if "reading the op log" in l), None)
    harness_share = None if after is None else (started + wall - after)
    if not os.path.exists(f"{run_out}/report.json"):
        sys.exit(f"scale: dioharness run of {size} exited {proc.returncode} without a report")
    report = json.load(open(f"{run_out}/report.json"))
    result = report["results"][0]
    logs = [f"{run_out}/logs/{f}" for f in os.listdir(f"{run_out}/logs")] if os.path.isdir(f"{run_out}/logs") else []
    log_bytes = sum(os.path.getsize(f) for f in logs)
    for f in logs:
        os.remove(f)  # the figure is kept; 8 GiB of guest makes a large log
    def peak(name):
        return max((p for n, p in peaks.values() if n == name), default=0)
    engines = sorted((p for n, p in peaks.values() if n not in ("dioharness", "diofs", "fusermount3")), reverse=True)
    rows.append({
        "guest": size, "verdict": result.get("verdict"), "exit": proc.returncode, "wall_s": round(wall, 1),
        "harness_peak_mib": round(peak("dioharness") / 2**20), "diofs_peak_mib": round(peak("diofs") / 2**20),
        "engine_peaks_mib": [round(p / 2**20) for p in engines[:2]],
        "op_log_mib": round(log_bytes / 2**20, 1),
        "after_engines_s": None if harness_share is None else round(harness_share, 1),
    })
    print(json.dumps(rows[-1]), flush=True)

with open(f"{out}/summary.json", "w") as f:
    json.dump(rows, f, indent=1)
with open(f"{out}/summary.md", "w") as f:
    f.write("# Scale benchmark (`make scale`)\n\n")
    f.write(f"`scripts/scale.sh`, engine `{engine}`: one `dioharness run` per guest size (50 % zero pages, "
            "4 multifd channels, direct-io, strict-4k, every check, op log kept to measure it). 'After the engines' is the time from the harness's "
            "first step after the load (reading the op log) to the end: the op log, the checks (which read the file "
            "through the mount), the unmount and the reports. Peak resident sets are the kernel's VmHWM of each process, read every 20 ms until it exits.\n\n")
    f.write("| guest | verdict | wall (s) | after the engines (s) | dioharness peak (MiB) | diofs peak (MiB) | engine peaks, save and load (MiB) | op log (MiB) |\n")
    f.write("|---|---|---|---|---|---|---|---|\n")
    for r in rows:
        f.write(f"| {r['guest']} | {r['verdict']} | {r['wall_s']} | {r['after_engines_s']} | {r['harness_peak_mib']} | "
                f"{r['diofs_peak_mib']} | {' / '.join(map(str, r['engine_peaks_mib']))} | {r['op_log_mib']} |\n")
    f.write(f"\nMachine: {os.uname().sysname} {os.uname().release}, {os.cpu_count()} cores. Each run's report is in its folder.\n")
PY
echo "scale: $out/summary.md"
