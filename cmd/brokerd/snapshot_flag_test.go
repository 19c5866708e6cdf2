package main

import "testing"

func TestSnapshotLogBytesSetting(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"64mb", 64 << 20, true}, {"64MB", 64 << 20, true}, {"1k", 1000, true},
		{"1kb", 1024, true}, {"2g", 2e9, true}, {"1gb", 1 << 30, true}, {"100b", 100, true},
		{"-1", 0, false}, {"ten", 0, false}, {"1tb", 0, false}, {"", 0, false},
	} {
		var o options
		err := setSnapshotLogBytes(&o, tt.in)
		if (err == nil) != tt.ok || (tt.ok && o.cfg.SnapshotLogBytes != tt.want) {
			t.Errorf("setSnapshotLogBytes(%q) = %d, %v; want %d, ok %v", tt.in, o.cfg.SnapshotLogBytes, err, tt.want, tt.ok)
		}
	}
	if o := defaultOptions(); o.cfg.SnapshotLogBytes != 64<<20 {
		t.Errorf("default = %d, want 64 MiB", o.cfg.SnapshotLogBytes)
	}
}
