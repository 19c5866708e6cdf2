// Package bench is brokerd's load generator: it drives any Redis-protocol
// server over many pipelined connections with the workloads brokerd is
// built for (stream and list job queues, pub/sub fan-out, event sourcing,
// a Celery-like mix, raw command throughput, memory growth), and compares
// brokerd with redis-server side by side in alternating rounds.
//
// The command-line front end is bench/cmd/brokerbench; `make bench` runs
// it. Nothing here runs in `make test` except the unit tests of the
// histogram and the report formatting, which start no server.
package bench
