package bench

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// rowPubSubNATS is the cross-node row: brokerd's NATS bridge carries
// each PUBLISH from node A to the subscriber on node B.
const rowPubSubNATS = "pub/sub across nodes via NATS → 1 subscriber"

// natsNote says what the cross-node row's resources are.
const natsNote = "CPU µs/op and RSS are both brokerd nodes together (nats-server not counted)"

// skipError is a workload that cannot run on this machine or setup; its
// text is the row's status.
type skipError string

func (e skipError) Error() string { return "skipped: " + string(e) }

// errNoCounterpart marks a side that has nothing to compare with the
// workload (Redis has no NATS bridge): its cells show "–".
var errNoCounterpart = errors.New("no counterpart")

// natsWorkload is --pubsub-nats: cross-node fan-out through a real
// nats-server, brokerd only. Without a nats-server binary the row says
// so and nothing fails; pubsub's BenchmarkBridgeFanOut then measures the
// bridge in process.
func natsWorkload() workload {
	return workload{group: "pubsub-nats", rows: []string{rowPubSubNATS}, own: true, run: single(runPubSubNATS)}
}

// runPubSubNATS starts nats-server and two brokerd nodes bridged
// through it, waits until a message crosses, then measures one
// publisher on node A and one subscriber on node B (see runFanOut).
func runPubSubNATS(rc *runCtx) (Sample, error) {
	side := rc.side
	switch {
	case side.Kind == "redis":
		return Sample{}, errNoCounterpart
	case side.Kind != "brokerd" || side.Binary == "":
		return Sample{}, skipError("needs a brokerd binary to start (not --target)")
	}
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		return Sample{}, skipError("no nats-server on PATH")
	}
	ns, err := startNATS(bin)
	if err != nil {
		return Sample{}, err
	}
	defer ns.stop()
	side.Extra = append(side.Extra[:len(side.Extra):len(side.Extra)], "--nats-url", ns.url)
	var nodes []*Server
	defer func() {
		for _, n := range nodes {
			n.Stop()
		}
	}()
	for range 2 {
		n, err := side.Start()
		if err != nil {
			return Sample{}, err
		}
		nodes = append(nodes, n)
	}
	a, b := nodes[0], nodes[1]
	if err := waitBridged(a.Addr, b.Addr); err != nil {
		return Sample{}, err
	}
	cluster := *rc
	cluster.srv, cluster.peers = a, []*Server{b}
	s, err := runFanOut(&cluster, fanOut{row: rowPubSubNATS, channels: 1, subs: 1, pubAddr: a.Addr, subAddr: b.Addr})
	if err != nil {
		return s, err
	}
	s.Note = natsNote
	if n := natsDropped(a.Addr) + natsDropped(b.Addr); n > 0 {
		s.Note += fmt.Sprintf("; the bridges dropped %d messages", n)
	}
	return s, nil
}

// natsServer is a nats-server process bench started.
type natsServer struct {
	url  string
	cmd  *exec.Cmd
	exit chan error
}

// startNATS starts nats-server on a free loopback port and waits until
// it greets a client with INFO.
func startNATS(bin string) (*natsServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", strconv.Itoa(port))
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ns := &natsServer{url: "nats://" + addr, cmd: cmd, exit: make(chan error, 1)}
	go func() { ns.exit <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := natsGreets(addr)
		if err == nil {
			return ns, nil
		}
		select {
		case e := <-ns.exit:
			return nil, fmt.Errorf("nats-server exited (%v) %s", e, strings.TrimSpace(stderr.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			ns.stop()
			return nil, fmt.Errorf("nats-server did not start: %w", err)
		}
	}
}

// natsGreets reports whether a NATS server at addr sends its INFO line.
func natsGreets(addr string) error {
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	_ = nc.SetReadDeadline(time.Now().Add(time.Second))
	line, err := bufio.NewReader(nc).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "INFO ") {
		return fmt.Errorf("not a NATS server: %q", line)
	}
	return nil
}

func (ns *natsServer) stop() { terminate(ns.cmd, ns.exit, 5*time.Second) }

// waitBridged publishes on node a, every 20 ms for up to 10 s, until a
// subscriber on node b receives the message: then both bridges are
// connected and b's NATS subscription is in place.
func waitBridged(a, b string) error {
	const channel = keyPrefix + "nats-ready"
	sub, err := Dial(b)
	if err != nil {
		return err
	}
	defer sub.Close()
	if err := subscribe(sub, []string{channel}); err != nil {
		return err
	}
	pub, err := Dial(a)
	if err != nil {
		return err
	}
	defer pub.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := pub.Do("PUBLISH", channel, "ready"); err != nil {
			return err
		}
		_ = sub.nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_, ok, err := sub.readMessage()
		if ok {
			return nil
		}
		var ne net.Error
		if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
			return err
		}
	}
	return errors.New("bench: no message crossed the NATS bridge within 10 s")
}

// natsDropped is INFO's nats_dropped of the node at addr (0 when
// unknown).
func natsDropped(addr string) int64 {
	c, err := Dial(addr)
	if err != nil {
		return 0
	}
	defer c.Close()
	v, err := c.Do("INFO", "nats")
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(infoField(v.Str, "nats_dropped"), 10, 64)
	return n
}
