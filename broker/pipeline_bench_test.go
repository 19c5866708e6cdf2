package broker_test

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// benchPipelined drives the server over loopback from conns connections,
// each writing pipelines of depth copies of cmd and reading the replies,
// so a CPU profile of the benchmark shows the server's per-command cost
// (`go test ./broker -run '^$' -bench Pipelined -cpuprofile cpu.out`).
func benchPipelined(b *testing.B, cmd []byte, conns, depth int) {
	benchPipelinedAfter(b, cmd, conns, depth, nil)
}

// benchPipelinedAfter is benchPipelined with a setup that runs against the
// server before the timer starts (filling a list, adding a subscriber).
func benchPipelinedAfter(b *testing.B, cmd []byte, conns, depth int, setup func(s *brokertest.Server)) {
	s := brokertest.Start(b, brokertest.WithFsync(wal.EverySec))
	if setup != nil {
		setup(s)
	}
	b.ReportAllocs()
	batch := make([]byte, 0, len(cmd)*depth)
	for range depth {
		batch = append(batch, cmd...)
	}
	per := b.N/(conns*depth) + 1
	cpu0 := processCPU(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		c, err := net.Dial("tcp", s.Addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := bufio.NewReaderSize(c, 64<<10)
			for range per {
				if _, err := c.Write(batch); err != nil {
					b.Error(err)
					return
				}
				for range depth {
					if _, err := r.ReadSlice('\n'); err != nil {
						b.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	// CPU time is what bounds throughput at pipeline 16 (PERFORMANCE.md);
	// on a shared machine it is also steadier than ns/op. It counts the
	// clients as well as the server.
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(per*conns*depth), "cpu-ns/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkPipelinedSET(b *testing.B) {
	benchPipelined(b, []byte("*3\r\n$3\r\nSET\r\n$8\r\nkey:0001\r\n$16\r\nvalue-0123456789\r\n"), 50, 16)
}

func BenchmarkPipelinedGET(b *testing.B) {
	benchPipelined(b, []byte("*2\r\n$3\r\nGET\r\n$8\r\nkey:0001\r\n"), 50, 16)
}

func BenchmarkPipelinedXADD(b *testing.B) {
	benchPipelined(b, []byte("*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nf\r\n$"+strconv.Itoa(16)+"\r\nvalue-0123456789\r\n"), 50, 16)
}

func BenchmarkPipelinedLPUSH(b *testing.B) {
	benchPipelined(b, []byte("*3\r\n$5\r\nLPUSH\r\n$4\r\nlist\r\n$16\r\nvalue-0123456789\r\n"), 50, 16)
}

// BenchmarkPipelinedRPOP pops from a list filled beforehand with more
// elements than the benchmark pops, so no RPOP finds it empty.
func BenchmarkPipelinedRPOP(b *testing.B) {
	benchPipelinedAfter(b, []byte("*2\r\n$4\r\nRPOP\r\n$4\r\nlist\r\n"), 50, 16, func(s *brokertest.Server) {
		fillList(b, s.Addr, "list", b.N+50*16)
	})
}

// BenchmarkPipelinedPUBLISH publishes to a channel nobody listens to.
func BenchmarkPipelinedPUBLISH(b *testing.B) {
	benchPipelined(b, []byte("*3\r\n$7\r\nPUBLISH\r\n$4\r\nchan\r\n$16\r\nvalue-0123456789\r\n"), 50, 16)
}

// BenchmarkPipelinedPUBLISHSubscribed publishes to a channel with one
// subscriber, which reads and discards everything it is sent.
func BenchmarkPipelinedPUBLISHSubscribed(b *testing.B) { benchPublishSubscribed(b, 16) }

// benchPublishSubscribed has 50 clients publish at the given pipeline
// depth to a channel with one subscriber, which discards what it reads.
func benchPublishSubscribed(b *testing.B, pipeline int) {
	benchPipelinedAfter(b, []byte("*3\r\n$7\r\nPUBLISH\r\n$4\r\nchan\r\n$16\r\nvalue-0123456789\r\n"), 50, pipeline, func(s *brokertest.Server) {
		sub := s.Dial()
		if got := sub.Do("SUBSCRIBE chan"); got == "" {
			b.Fatal("no SUBSCRIBE confirmation")
		}
		sub.Conn.SetReadDeadline(time.Time{})
		go io.Copy(io.Discard, sub.Conn)
	})
}

// fillList pushes n elements onto key, in batches of 1000 per LPUSH.
func fillList(b *testing.B, addr, key string, n int) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	val := []byte("value-0123456789")
	for n > 0 {
		k := min(n, 1000)
		n -= k
		args := [][]byte{[]byte("LPUSH"), []byte(key)}
		for range k {
			args = append(args, val)
		}
		if _, err := io.WriteString(c, brokertest.Encode(args...)); err != nil {
			b.Fatal(err)
		}
		if _, err := r.ReadSlice('\n'); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnpipelinedPUBLISHSubscribed is BenchmarkPipelinedPUBLISHSubscribed
// at pipeline 1, where the subscriber's writes cost as much as the
// publishers' own.
func BenchmarkUnpipelinedPUBLISHSubscribed(b *testing.B) { benchPublishSubscribed(b, 1) }

// BenchmarkUnpipelinedSET is SET at pipeline 1, where a request's fixed
// costs (reads, scheduling, the reply's write) are not shared.
func BenchmarkUnpipelinedSET(b *testing.B) {
	benchPipelined(b, []byte("*3\r\n$3\r\nSET\r\n$8\r\nkey:0001\r\n$16\r\nvalue-0123456789\r\n"), 50, 1)
}
