// Package bench is brokerd's load generator: it drives any Redis-protocol
// server over many pipelined connections with the workloads brokerd is
// built for (stream and list job queues, pub/sub fan-out, event sourcing,
// a Celery-like mix, raw command throughput, memory growth), and compares
// brokerd with redis-server side by side in alternating rounds.
//
// The command-line front end is bench/cmd/brokerbench; `make bench` runs
// it.
//
// Pub/sub is measured as issue 6 asks: one publisher to one channel with
// 1 and with 100 subscribers (messages published per second, deliveries
// per second, publish-to-delivery latency from a send time carried in
// the payload), one multi-channel row, and cross-node fan-out through
// brokerd's NATS bridge (workload pubsub-nats: nats-server and two
// brokerd nodes, brokerd only). That row needs a nats-server binary on
// PATH and reports itself skipped without one; the in-process measure of
// the bridge is then pubsub's BenchmarkBridgeFanOut (`go test ./pubsub
// -run '^$' -bench BridgeFanOut`), which embeds a NATS server.
//
// Persistence is measured as issue 7 asks, on servers bench starts
// itself (the rows are skipped with --target): workload durability runs
// XADD and LPUSH at the raw pipeline depths with appendfsync always, and
// the durability table sets them beside the raw rows (the suite's
// policy, everysec by default); workload startup fills a fresh server
// with --startup-records keys, one SET each, and times restarts (process
// start to first PONG) from that log and from a snapshot, and measures
// a SET load without and during a BGREWRITEAOF with the pause the
// server reports (workloads_startup.go).
//
// Nothing here runs in `make test` except the unit tests of the
// histogram, the report formatting and the INFO parsing, which start no
// server.
package bench
