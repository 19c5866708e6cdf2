package pubsub

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// BridgeConfig configures the bridge; it is off unless URL is set.
type BridgeConfig struct {
	// URL is the NATS server URL, or several separated by commas.
	URL string
	// Prefix starts every subject the bridge uses (default "brokerd").
	Prefix string
	// Export lists globs (Redis glob syntax) of stream keys in database 0
	// whose new entries are published. Keys that are import targets are
	// never exported (that would loop).
	Export []string
	// ExportJetStream makes every export wait for a JetStream ack. When
	// false the bridge asks NATS, per subject, whether a JetStream stream
	// captures it (cached until the next reconnect).
	ExportJetStream bool
	// Imports append plain NATS subjects to local streams (at most once).
	Imports []BridgeImport
	// JetStreamImports append JetStream durable consumers to local
	// streams (at least once, without duplicates).
	JetStreamImports []BridgeJSImport
	// ExportQueue bounds the entries waiting to be exported (default
	// 65536); beyond it new entries are dropped and counted.
	ExportQueue int
	// PublishQueue bounds the PUBLISHes waiting to be forwarded (default
	// 65536); beyond it messages are dropped and counted.
	PublishQueue int
	// ReconnectWait is the pause between reconnect attempts (default
	// 250ms; nats.go adds jitter).
	ReconnectWait time.Duration
	// Logger receives the bridge's log; nil discards it.
	Logger *slog.Logger
}

// BridgeImport is one --nats-import subject=key.
type BridgeImport struct{ Subject, Key string }

// BridgeJSImport is one --nats-import-jetstream stream:consumer=key.
type BridgeJSImport struct{ Stream, Consumer, Key string }

const (
	defaultPrefix      = "brokerd"
	defaultQueue       = 65536
	defaultReconnect   = 250 * time.Millisecond
	natsRequestTimeout = 5 * time.Second
)

// Enabled reports whether the bridge is configured at all.
func (c *BridgeConfig) Enabled() bool { return c.URL != "" }

// Validate reports the first setting that cannot work.
func (c *BridgeConfig) Validate() error {
	if !c.Enabled() {
		return nil
	}
	if err := checkSubject(c.prefix(), false); err != nil {
		return fmt.Errorf("nats-prefix: %w", err)
	}
	for _, imp := range c.Imports {
		if err := checkSubject(imp.Subject, true); err != nil {
			return fmt.Errorf("nats-import: %w", err)
		}
	}
	for _, imp := range c.JetStreamImports {
		for _, name := range []string{imp.Stream, imp.Consumer} {
			if name == "" || strings.ContainsAny(name, " \t\r\n.*>") {
				return fmt.Errorf("nats-import-jetstream: %q is not a JetStream name", name)
			}
		}
	}
	if c.ExportQueue < 0 || c.PublishQueue < 0 {
		return fmt.Errorf("nats: queue sizes must not be negative")
	}
	return nil
}

func (c *BridgeConfig) prefix() string {
	if c.Prefix == "" {
		return defaultPrefix
	}
	return c.Prefix
}

// checkSubject accepts a NATS subject: dot-separated non-empty tokens
// without whitespace; '*' and '>' (last) only as whole tokens and only
// when wildcards are allowed.
func checkSubject(s string, wildcards bool) error {
	if s == "" {
		return fmt.Errorf("empty subject")
	}
	toks := strings.Split(s, ".")
	for i, t := range toks {
		switch {
		case t == "":
			return fmt.Errorf("%q has an empty token", s)
		case strings.ContainsAny(t, " \t\r\n"):
			return fmt.Errorf("%q contains whitespace", s)
		case t == "*" || (t == ">" && i == len(toks)-1):
			if !wildcards {
				return fmt.Errorf("%q must not contain wildcards", s)
			}
		case strings.ContainsAny(t, "*>"):
			return fmt.Errorf("%q uses a wildcard inside a token", s)
		}
	}
	return nil
}

// ParseBridgeImport parses "subject=key" (split at the first '=').
func ParseBridgeImport(s string) (BridgeImport, error) {
	subj, key, ok := strings.Cut(s, "=")
	if !ok || subj == "" {
		return BridgeImport{}, fmt.Errorf("%q is not subject=key", s)
	}
	return BridgeImport{Subject: subj, Key: key}, nil
}

// ParseBridgeJSImport parses "stream:consumer=key".
func ParseBridgeJSImport(s string) (BridgeJSImport, error) {
	sc, key, ok := strings.Cut(s, "=")
	stream, consumer, ok2 := strings.Cut(sc, ":")
	if !ok || !ok2 || stream == "" || consumer == "" {
		return BridgeJSImport{}, fmt.Errorf("%q is not stream:consumer=key", s)
	}
	return BridgeJSImport{Stream: stream, Consumer: consumer, Key: key}, nil
}
