package broker

import (
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/pubsub"
)

// client-output-buffer-limit is Redis's "<class> <hard> <soft> <seconds>"
// list. brokerd buffers replies only for subscribers (redcon writes every
// other reply as its pipeline ends), so the pubsub class is the one that
// exists; normal and replica are reported with Redis's defaults and
// setting them to anything else is refused rather than ignored.
const outputLimitFixedClasses = "normal 0 0 0 slave 268435456 67108864 60"

func getOutputLimit(s *Server) string {
	l := s.settings.currentPubsubLimits()
	return outputLimitFixedClasses + " pubsub " + itoa(l.Hard) + " " + itoa(l.Soft) + " " + itoa(int64(l.SoftFor/time.Second))
}

func parseOutputLimit(s *Server, v string) (func(), string) {
	const bad = "argument(s) must be one or more pairs of class and limits"
	words := strings.Fields(v)
	if len(words) == 0 || len(words)%4 != 0 {
		return nil, bad
	}
	var limits *pubsub.Limits
	for i := 0; i < len(words); i += 4 {
		hard, ok1 := ParseMemory(words[i+1])
		soft, ok2 := ParseMemory(words[i+2])
		secs, err := strconv.ParseInt(words[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil || secs < 0 {
			return nil, bad
		}
		switch strings.ToLower(words[i]) {
		case "pubsub":
			limits = &pubsub.Limits{Hard: hard, Soft: soft, SoftFor: time.Duration(secs) * time.Second}
		case "normal":
			if hard != 0 || soft != 0 || secs != 0 {
				return nil, "brokerd limits only the pubsub class"
			}
		case "slave", "replica":
			if hard != 268435456 || soft != 67108864 || secs != 60 {
				return nil, "brokerd has no replicas; only the pubsub class can be changed"
			}
		default:
			return nil, bad
		}
	}
	return func() {
		if limits != nil {
			s.settings.pubsubLimits.Store(limits)
		}
	}, ""
}

// ParseMemory reads a size as Redis's memtoull does: a number with an
// optional unit, k/m/g powers of 1000 and kb/mb/gb powers of 1024, in any
// case. The CLI and config file use it too.
func ParseMemory(v string) (int64, bool) {
	lower := strings.ToLower(v)
	mul := int64(1)
	for _, u := range []struct {
		suffix string
		mul    int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1e9}, {"m", 1e6}, {"k", 1e3}, {"b", 1}} {
		if strings.HasSuffix(lower, u.suffix) {
			lower, mul = strings.TrimSuffix(lower, u.suffix), u.mul
			break
		}
	}
	n, err := strconv.ParseInt(lower, 10, 64)
	if err != nil || n < 0 || n > (1<<63-1)/mul {
		return 0, false
	}
	return n * mul, true
}
