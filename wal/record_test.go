package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		ops  []Op
	}{
		{"one op", []Op{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}}},
		{"several ops of a transaction", []Op{
			{DB: 2, Args: [][]byte{[]byte("LPUSH"), []byte("q"), []byte("job")}},
			{DB: 2, Args: [][]byte{[]byte("PEXPIREAT"), []byte("q"), []byte("1700000000000")}},
		}},
		{"binary arguments", []Op{{DB: 0, Args: [][]byte{{0, 1, 2, 0xff}, []byte("\r\n*3\r\n")}}}},
		{"large database number", []Op{{DB: math.MaxInt, Args: [][]byte{[]byte("PING")}}}},
		{"argument over 127 bytes", []Op{{DB: 1, Args: [][]byte{bytes.Repeat([]byte("x"), 300)}}}},
		{"empty argument", []Op{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("k"), {}}}}},
		{"op without arguments", []Op{{DB: 5}}},
		{"no ops", []Op{}},
	}
	var d decoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := appendRecord(nil, tt.ops)
			if len(rec) != recordSize(tt.ops) {
				t.Errorf("record is %d bytes, recordSize says %d", len(rec), recordSize(tt.ops))
			}
			got, err := d.decode(rec)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !sameOps(got, tt.ops) {
				t.Errorf("decode = %+v, want %+v", got, tt.ops)
			}
		})
	}
}

// TestRecordLayout pins the byte layout of doc.go on one record.
func TestRecordLayout(t *testing.T) {
	rec := appendRecord([]byte("prefix"), []Op{{DB: 3, Args: [][]byte{[]byte("DEL"), []byte("k")}}})
	if !bytes.HasPrefix(rec, []byte("prefix")) {
		t.Fatalf("appendRecord overwrote dst: %q", rec)
	}
	rec = rec[len("prefix"):]
	want := []byte{
		1, 1, // version, type
		0, 0, 0, 0, // CRC, filled below
		1,                // one op
		3,                // db 3
		2,                // two arguments
		3, 'D', 'E', 'L', // "DEL"
		1, 'k', // "k"
	}
	c := crcOf(want)
	binary.LittleEndian.PutUint32(want[2:6], c)
	if !bytes.Equal(rec, want) {
		t.Errorf("record = % x\n  want % x", rec, want)
	}
}

// crcOf computes the CRC the way doc.go states it, independently of
// checksum: CRC-32C of version, type and payload.
func crcOf(rec []byte) uint32 {
	b := append([]byte{rec[0], rec[1]}, rec[headerSize:]...)
	return crc32c(b)
}

func TestDecodeRejects(t *testing.T) {
	valid := appendRecord(nil, []Op{{DB: 1, Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}})
	// withPayload builds a record with a correct CRC around any payload, to
	// test the structural checks behind the CRC.
	withPayload := func(version, typ byte, payload ...byte) []byte {
		rec := append([]byte{version, typ, 0, 0, 0, 0}, payload...)
		binary.LittleEndian.PutUint32(rec[2:6], crcOf(rec))
		return rec
	}
	tests := []struct {
		name string
		rec  []byte
		want error
	}{
		{"empty", nil, errShortRecord},
		{"header cut short", valid[:5], errShortRecord},
		{"payload cut short", valid[:len(valid)-1], errChecksum},
		{"bad checksum", func() []byte { r := bytes.Clone(valid); r[3] ^= 0x10; return r }(), errChecksum},
		{"unknown version", withPayload(2, 1, 0), errVersion},
		{"unknown type", withPayload(1, 9, 0), errType},
		{"no payload", withPayload(1, 1), errTruncated},
		{"op count beyond the bytes", withPayload(1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f), errTruncated},
		{"argument count beyond the bytes", withPayload(1, 1, 1, 0, 0xff, 0xff, 0x03), errTruncated},
		{"argument length beyond the bytes", withPayload(1, 1, 1, 0, 1, 0xff, 0x7f, 'a'), errTruncated},
		{"database number overflows int", withPayload(1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0), errDBRange},
		{"varint over 64 bits", withPayload(1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), errVarint},
		{"varint not shortest", withPayload(1, 1, 0x81, 0x00, 0, 0), errLongVarint},
		{"trailing garbage", withPayload(1, 1, 0, 'x'), errTrailing},
	}
	var d decoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.decode(tt.rec)
			if err != tt.want {
				t.Errorf("decode = %v, want %v", err, tt.want)
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("decode error %v does not wrap ErrCorrupt", err)
			}
		})
	}
}

func TestDecodeReusesBuffers(t *testing.T) {
	rec := appendRecord(nil, testOps(15))
	var d decoder
	if _, err := d.decode(rec); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := d.decode(rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("decode allocates %v times per record once warm, want 0", allocs)
	}
}

func TestUvarintLen(t *testing.T) {
	for _, x := range []uint64{0, 1, 127, 128, 16383, 16384, 1<<63 - 1, math.MaxUint64} {
		if got, want := uvarintLen(x), len(binary.AppendUvarint(nil, x)); got != want {
			t.Errorf("uvarintLen(%d) = %d, want %d", x, got, want)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		in      string
		want    Policy
		wantErr bool
	}{
		{"always", Always, false},
		{"everysec", EverySec, false},
		{"no", No, false},
		{"EverySec", EverySec, false},
		{"ALWAYS", Always, false},
		{"", 0, true},
		{"sometimes", 0, true},
	}
	for _, tt := range tests {
		got, err := ParsePolicy(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParsePolicy(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && !bytes.Contains([]byte(err.Error()), []byte(`"`+tt.in+`"`)) {
			t.Errorf("ParsePolicy(%q) error %q does not name the value", tt.in, err)
		}
		if err == nil {
			if back, _ := ParsePolicy(got.String()); back != got {
				t.Errorf("ParsePolicy(%v.String()) = %v", got, back)
			}
		}
	}
}

// sameOps compares ops by content, treating nil and empty slices alike.
func sameOps(a, b []Op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].DB != b[i].DB || len(a[i].Args) != len(b[i].Args) {
			return false
		}
		for j := range a[i].Args {
			if !bytes.Equal(a[i].Args[j], b[i].Args[j]) {
				return false
			}
		}
	}
	return true
}

func crc32c(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }
