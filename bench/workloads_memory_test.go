package bench

import (
	"strconv"
	"strings"
	"testing"
)

func TestMemoryRows(t *testing.T) {
	cfg := DefaultConfig()
	var got []string
	for _, w := range workloads(&cfg, map[string]bool{"memory": true}) {
		for _, row := range w.rows {
			if k := w.kind(row); k != KindMem {
				t.Errorf("kind of %q = %q, want %q", row, k, KindMem)
			}
		}
		got = append(got, w.rows...)
	}
	want := []string{
		"memory: stream entry (3 fields)",
		"memory: pending entry (10 consumers)",
		"memory: list job (100 bytes)",
		"memory: scheduled job (sorted-set member)",
		"memory: job record (hash of 6 fields)",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows %q, want %q", got, want)
	}
}

func TestJobIDIsAUniqueUUIDShape(t *testing.T) {
	const n = 100_000
	seen := make(map[string]bool, n)
	var buf []byte
	for _, i := range []int64{0, 1, 2, n - 1, 1<<48 - 1} {
		id := string(appendJobID(nil, i))
		if len(id) != jobIDLen {
			t.Fatalf("id of %d = %q: %d characters, want %d", i, id, len(id), jobIDLen)
		}
		for j, c := range id {
			switch {
			case j == 8 || j == 13 || j == 18 || j == 23:
				if c != '-' {
					t.Errorf("id of %d = %q: %q at %d, want '-'", i, id, c, j)
				}
			case !strings.ContainsRune("0123456789abcdef", c):
				t.Errorf("id of %d = %q: %q at %d is not a hex digit", i, id, c, j)
			}
		}
		if id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Errorf("id of %d = %q: version %c, variant %c; want 4 and one of 89ab", i, id, id[14], id[19])
		}
	}
	for i := range int64(n) {
		buf = appendJobID(buf[:0], i)
		if seen[string(buf)] {
			t.Fatalf("id of %d = %q repeats an earlier one", i, buf)
		}
		seen[string(buf)] = true
	}
	if got := string(appendJobID([]byte("x"), 5)); !strings.HasPrefix(got, "x") || len(got) != 1+jobIDLen {
		t.Errorf("appendJobID dropped what dst held: %q", got)
	}
}

func TestScheduledAtIsAMillisecondTimeThatMostlyIncreases(t *testing.T) {
	const base = 1_767_225_600_000 // 2026-01-01T00:00:00Z
	const n = 10_000
	prev, backwards := int64(0), 0
	for i := range int64(n) {
		at := scheduledAt(base, i)
		if s := strconv.FormatInt(at, 10); len(s) != 13 {
			t.Fatalf("score of %d = %s, want 13 digits", i, s)
		}
		if at < base+i || at >= base+i+5 {
			t.Fatalf("score of %d = %d, want in [base+%d, base+%d)", i, at, i, i+5)
		}
		if at < prev {
			backwards++
		}
		prev = at
	}
	// Jitter: some jobs come out of order, most do not.
	if backwards == 0 || backwards > n/3 {
		t.Errorf("%d of %d scores smaller than the one before, want some but under a third", backwards, n)
	}
}

func TestJobRecordArgs(t *testing.T) {
	data := newPayload(jobDataLen, false)
	args := jobRecordArgs(nil, 7, 1_767_225_600_123, data)
	args = jobRecordArgs(args, 42, 1_767_225_600_456, data) // reuses args
	var got []string
	for _, a := range args {
		got = append(got, string(a))
	}
	want := []string{"HSET", "brokerbench:job:42",
		"status", "queued", "queue", "default", "created_at", "1767225600456",
		"origin", "default", "timeout", "180", "data", string(data)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("args\n%q\nwant\n%q", got, want)
	}
	if len(args[13]) != 40 {
		t.Errorf("data is %d bytes, want 40", len(args[13]))
	}
}
