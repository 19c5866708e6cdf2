package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want []string
	}{
		{"no build info", nil, []string{"brokerd devel\n", "redis compatibility 7.2.4\n", "go version " + runtime.Version()}},
		{"module version and revision", &debug.BuildInfo{
			Main: debug.Module{Version: "v1.2.3"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "abc123"},
				{Key: "vcs.time", Value: "2025-01-02T03:04:05Z"},
				{Key: "vcs.modified", Value: "true"},
			},
		}, []string{"brokerd v1.2.3\n", "revision abc123 (modified) 2025-01-02T03:04:05Z\n"}},
		{"devel build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, []string{"brokerd devel\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionText(tt.bi)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("versionText() = %q, want it to contain %q", got, w)
				}
			}
		})
	}
}
