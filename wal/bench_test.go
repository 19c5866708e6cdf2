package wal

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
)

// BenchmarkAppend measures Append plus Wait of one SET effect (about 100
// bytes) per policy: "serial" is one client waiting for each write, so
// every Always record pays a whole fsync; "parallel" is GOMAXPROCS clients
// appending under a shared lock and waiting outside it, as the server
// does, so group commit shares fsyncs between them.
func BenchmarkAppend(b *testing.B) {
	value := bytes.Repeat([]byte("v"), 64)
	for _, p := range []Policy{Always, EverySec, No} {
		b.Run(p.String()+"/serial", func(b *testing.B) {
			l := mustOpen(b, b.TempDir(), Options{Fsync: p})
			defer l.Close()
			key := make([]byte, 0, 32)
			ops := []Op{{DB: 0, Args: [][]byte{[]byte("SET"), nil, value}}}
			b.SetBytes(int64(recordSize(ops) + 8))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				key = strconv.AppendInt(append(key[:0], "key:"...), int64(i), 10)
				ops[0].Args[1] = key
				if err := l.Append(ops).Wait(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(p.String()+"/parallel", func(b *testing.B) {
			l := mustOpen(b, b.TempDir(), Options{Fsync: p})
			defer l.Close()
			var mu sync.Mutex // the keyspace lock
			b.SetBytes(int64(recordSize([]Op{{Args: [][]byte{[]byte("SET"), []byte("key:00000000"), value}}})))
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				key := make([]byte, 0, 32)
				ops := []Op{{DB: 0, Args: [][]byte{[]byte("SET"), nil, value}}}
				i := 0
				for pb.Next() {
					i++
					key = strconv.AppendInt(append(key[:0], "key:"...), int64(i), 10)
					ops[0].Args[1] = key
					mu.Lock()
					pend := l.Append(ops)
					mu.Unlock()
					if err := pend.Wait(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
