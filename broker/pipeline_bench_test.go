package broker_test

import (
	"bufio"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// benchPipelined drives the server over loopback from conns connections,
// each writing pipelines of depth copies of cmd and reading the replies,
// so a CPU profile of the benchmark shows the server's per-command cost
// (`go test ./broker -run '^$' -bench Pipelined -cpuprofile cpu.out`).
func benchPipelined(b *testing.B, cmd []byte, conns, depth int) {
	s := brokertest.Start(b, brokertest.WithFsync(wal.EverySec))
	batch := make([]byte, 0, len(cmd)*depth)
	for range depth {
		batch = append(batch, cmd...)
	}
	per := b.N/(conns*depth) + 1
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
