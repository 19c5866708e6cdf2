package broker

import (
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/consumergroups"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/streams"
)

// newCommandTable is the whole command surface: every family lists its
// specs and they are indexed here, in one place, without init()
// registration. A duplicate name is a programming error and panics at
// start-up, as redcon's ServeMux does.
func newCommandTable(s *Server) *command.Table {
	t, err := command.NewTable(
		connectionSpecs(s),
		serverSpecs(s),
		persistenceSpecs(s), // SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE (durability engine)
		transactionSpecs(s),
		scriptingSpecs(s), // EVAL family and SCRIPT (script.go)
		pubsubSpecs(s),
		kv.Specs(),
		streams.Specs(consumergroups.XInfoSpecs()...),
		consumergroups.Specs(),
		extraSpecs,
	)
	if err != nil {
		panic("broker: " + err.Error())
	}
	return t
}

// extraSpecs lets the tests add commands (export_test.go); it is empty in
// the product.
var extraSpecs []command.Spec
