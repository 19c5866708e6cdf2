package broker

import (
	"github.com/brokerd/brokerd/pubsub"
	"github.com/brokerd/brokerd/wal"
)

// The NATS bridge (pubsub.Bridge) runs inside the server when
// Config.NATS.URL is set: it is started at the end of New, installs the
// Published and Logged taps, and is stopped first thing in Close, before
// the log closes, since its imports write through Exec.

var _ pubsub.BridgeHost = (*Server)(nil)

// startBridge starts the bridge if configured. NATS being unreachable is
// not an error: the bridge connects in the background.
func (s *Server) startBridge() error {
	if !s.cfg.NATS.Enabled() {
		return nil
	}
	cfg := s.cfg.NATS
	if cfg.Logger == nil {
		cfg.Logger = s.logger
	}
	b, err := pubsub.NewBridge(cfg, s)
	if err != nil {
		return err
	}
	s.bridge = b
	s.SetTaps(Taps{
		Published: b.Published,
		Logged: func(ops []wal.Op) {
			for _, op := range ops {
				b.Appended(op.DB, op.Args)
			}
		},
	})
	return nil
}

// stopBridge closes the bridge, if any; Close calls it before closing
// the log.
func (s *Server) stopBridge() {
	if s.bridge != nil {
		s.bridge.Close()
	}
}

// infoNats is INFO's Nats section: nats_enabled:0 alone when the bridge
// is off.
func (s *Server) infoNats(w *infoWriter) {
	if s.bridge == nil {
		w.add("nats_enabled", 0)
		return
	}
	st := s.bridge.Stats()
	w.add("nats_enabled", 1)
	w.add("nats_connected", boolInt(st.Connected))
	w.add("nats_node_id", st.NodeID)
	w.add("nats_reconnects", st.Reconnects)
	w.add("nats_published", st.Published)
	w.add("nats_received", st.Received)
	w.add("nats_exported", st.Exported)
	w.add("nats_export_queue", st.ExportQueued)
	w.add("nats_export_retries", st.ExportRetries)
	w.add("nats_imported", st.Imported)
	w.add("nats_import_errors", st.ImportErrors)
	w.add("nats_import_duplicates", st.Duplicates)
	w.add("nats_dropped", st.Dropped)
	w.add("nats_dropped_publish", st.PublishDropped)
	w.add("nats_dropped_export", st.ExportDropped)
	w.add("nats_dropped_receive", st.ReceiveDropped)
}
