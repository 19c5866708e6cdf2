#!/bin/bash
# trace-loop.sh BROKERD_BINARY OUT_DIR: how the event loop goroutine is
# held up in the list handover row. It starts the binary with pprof on,
# runs `brokerbench --list` against it, takes a 3 s execution trace during
# the handover row, and prints, for each way the loop's goroutine became
# runnable without running (preempted, Gosched, a syscall whose P was
# taken), how often and how long it waited to run again. Run from the
# repository root after `make build` and building bin/brokerbench.
set -euo pipefail
BIN=$1 OUT=$2
PORT=${PORT:-7399} PPROF=${PPROF:-127.0.0.1:6099}
rm -rf "$OUT" && mkdir -p "$OUT"
BROKERD_PPROF=$PPROF "$BIN" --port "$PORT" --dir "$OUT/data" --log-level error &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 0.5
# The saturated list row runs first (6.3 s with its warm-up), then the
# handover row: the trace starts 3 s into the latter.
bin/brokerbench --target "127.0.0.1:$PORT" --no-redis --list --rounds 1 --duration 6s --out "$OUT/out" >"$OUT/bench.txt" 2>&1 &
sleep 9.5
curl -s -o "$OUT/trace.out" "http://$PPROF/debug/pprof/trace?seconds=3"
wait %2 || true
grep -i handover "$OUT/bench.txt" | head -1
go tool trace -d=parsed "$OUT/trace.out" >"$OUT/parsed.txt" 2>&1
# The loop is the goroutine with the most events.
LOOP=$(grep '^M=' "$OUT/parsed.txt" | awk '{print $3}' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}' | cut -d= -f2)
echo "loop goroutine: $LOOP"
grep StateTransition "$OUT/parsed.txt" | grep "GoID=$LOOP " |
	grep -o "Time=[0-9]* GoID=$LOOP [A-Za-z]*->[A-Za-z]* Reason=\"[^\"]*\"" |
	awk '{split($1, a, "="); t = a[2]
		if (prev ~ /Runnable$/) { k = prev " " why; n[k]++; d = (t - pt) / 1000; s[k] += d; if (d > m[k]) m[k] = d }
		prev = $3; why = $4; pt = t }
		END { for (k in n) printf "%-45s n=%-5d mean=%.1f us  max=%.1f us\n", k, n[k], s[k] / n[k], m[k] }'
