# brokerd — everything here needs only Go.
GO      ?= go
PKGS    := ./...
FUZZTIME ?= 30s

.PHONY: all build run test race lint fuzz soak bench microbench clean

all: build

build:
	$(GO) build -o bin/brokerd ./cmd/brokerd

## run: build and start the server on 127.0.0.1:6379 with its data in ./data
run: build
	./bin/brokerd

## test: vet, then every test (fuzz corpora replayed, no fuzzing)
test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 14m $(PKGS)

## race: the tests under the race detector (needs cgo)
race:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	$(GO) test ./wal -run '^$$' -fuzz '^FuzzWALRecord$$' -fuzztime $(FUZZTIME)
	$(GO) test ./broker -run '^$$' -fuzz '^FuzzRESPReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/glob -run '^$$' -fuzz '^FuzzGlob$$' -fuzztime $(FUZZTIME)
	$(GO) test ./streams -run '^$$' -fuzz '^FuzzStreamID$$' -fuzztime $(FUZZTIME)
	$(GO) test ./streams -run '^$$' -fuzz '^FuzzBlockCodec$$' -fuzztime $(FUZZTIME)

## soak: long crash and load runs, kept out of make test
soak:
	BROKERD_SOAK=1 $(GO) test -count=1 -timeout 60m -run 'Crash|Soak' ./broker

## bench: brokerd side by side with redis-server (when on PATH) on every
## workload of bench/; QUICK=1 for the short run. Reports go to
## bench/results; for other settings run bin/brokerbench --help.
QUICK ?=
bench: build
	$(GO) build -o bin/brokerbench ./bench/cmd/brokerbench
	./bin/brokerbench --brokerd bin/brokerd $(if $(QUICK),--quick)

## microbench: Go benchmarks of the hot paths (handlers, codecs, the log,
## the server over loopback), for profiling with -cpuprofile
microbench:
	$(GO) test -run '^$$' -bench . -benchmem ./wal ./kv ./streams ./consumergroups ./pubsub
	$(GO) test -run '^$$' -bench 'Pipelined' -benchmem ./broker

clean:
	rm -rf bin
