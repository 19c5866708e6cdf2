package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
)

// startProfiler serves net/http/pprof on $BROKERD_PPROF (host:port) when
// it is set: a developer's switch for profiling the server under
// bin/brokerbench, deliberately not a setting.
func startProfiler(logger *slog.Logger) {
	addr := os.Getenv("BROKERD_PPROF")
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		logger.Info("profiler listening", "addr", addr)
		if err := http.ListenAndServe(addr, mux); err != nil {
			logger.Error("profiler stopped", "err", err)
		}
	}()
}
