package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func bulk(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }

func TestReadMessage(t *testing.T) {
	sent := time.Unix(1_790_000_000, 123_456_789)
	stamped := newPayload(32, true)
	stamp(stamped, sent)
	tests := []struct {
		name  string
		reply string
		ok    bool
		sent  time.Time
	}{
		{"subscribe confirmation", "*3\r\n" + bulk("subscribe") + bulk("ch") + ":1\r\n", false, time.Time{}},
		{"stamped message", "*3\r\n" + bulk("message") + bulk("ch") + bulk(string(stamped)), true, sent},
		{"unstamped message", "*3\r\n" + bulk("message") + bulk("ch") + bulk("hi"), true, time.Time{}},
		{"pattern message", "*4\r\n" + bulk("pmessage") + bulk("c*") + bulk("ch") + bulk("x"), false, time.Time{}},
		{"PING while subscribed", "*2\r\n" + bulk("pong") + bulk(""), false, time.Time{}},
		{"simple string", "+OK\r\n", false, time.Time{}},
	}
	// All replies in one stream: each read must consume exactly one.
	var all strings.Builder
	for _, tc := range tests {
		all.WriteString(tc.reply)
	}
	c := readerConn(all.String())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := c.readMessage()
			if err != nil || ok != tc.ok || !got.Equal(tc.sent) {
				t.Errorf("readMessage = %v, %v, %v; want %v, %v, nil", got, ok, err, tc.sent, tc.ok)
			}
		})
	}
	if _, _, err := c.readMessage(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last reply: %v, want EOF", err)
	}
}

func TestPubSubRows(t *testing.T) {
	cfg := DefaultConfig()
	var got []string
	for _, w := range workloads(&cfg, map[string]bool{"pubsub": true, "pubsub-nats": true}) {
		got = append(got, w.rows...)
	}
	want := []string{
		"pub/sub 1 channel → 1 subscriber",
		"pub/sub 1 channel → 100 subscribers",
		"pub/sub 4 channels → 10 subscribers on each",
		rowPubSubNATS,
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows %q, want %q", got, want)
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("probe: %w", errUnsupported), "unsupported by target"},
		{ReplyError("ERR unknown command 'PUBLISH'"), "unsupported by target"},
		{skipError("no nats-server on PATH"), "skipped: no nats-server on PATH"},
		{errNoCounterpart, "no counterpart"},
		{errors.New("EOF"), "error: EOF"},
	}
	for _, tc := range tests {
		if got := statusOf(tc.err); got != tc.want {
			t.Errorf("statusOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestPubSubReport(t *testing.T) {
	pub := func(ops, delivered float64) Sample {
		return Sample{Ops: ops, Delivered: delivered, P50: time.Millisecond, P99: time.Millisecond, P999: time.Millisecond, CPUPerOp: 1}
	}
	r := testResult()
	r.Rows = append(r.Rows[:1],
		RowResult{Name: "pub/sub 1 channel → 100 subscribers", Samples: [][]Sample{
			{pub(500, 50_000)}, {pub(400, 40_000)},
		}},
		RowResult{Name: rowPubSubNATS, Samples: [][]Sample{
			{{Status: "skipped: no nats-server on PATH"}}, {{Status: "no counterpart"}},
		}},
	)
	var b bytes.Buffer
	for _, tab := range Tables(r) {
		tab.Markdown(&b)
	}
	got := b.String()
	for _, want := range []string{
		"| pub/sub 1 channel → 100 subscribers | 500 | 400 | 1.25× |",
		"| " + rowPubSubNATS + " | skipped: no nats-server on PATH | – | – | – | – | – |",
		"| delivered/s brokerd | delivered/s redis | ratio |\n",
		"| pub/sub 1 channel → 100 subscribers | 50.0k | 40.0k | 1.25× |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q\n--- got:\n%s", want, got)
		}
	}
	if strings.Count(got, "raw SET, pipeline 1 |") != 2 {
		t.Errorf("a row without deliveries should stay out of the deliveries table\n%s", got)
	}
	if notes := Notes(r); len(notes) != 0 {
		t.Errorf("skipped and no-counterpart rows need no notes, got %q", notes)
	}
}
