# Medians of scripts/bench-sse result lines (key=value pairs) read on stdin, one target at a time.
import statistics
import sys

rows = [dict(kv.split("=", 1) for kv in line.split()) for line in sys.stdin if line.strip()]
if rows:
    med = lambda k: statistics.median(float(r[k]) for r in rows)
    print("  %-14s events/s %8.0f  p50 %6.0f us  p99 %6.0f us  p99.9 %6.0f us  cpu/event %6.2f us  failures %.0f" % (
        rows[0]["target"], med("events_per_s"), med("p50_us"), med("p99_us"), med("p999_us"),
        med("cpu_us_per_event"), med("failures")))
