package kv

import "github.com/brokerd/brokerd/command"

// Specs lists every command of the kv family. The broker indexes them in
// its command table.
func Specs() []command.Spec {
	var specs []command.Spec
	specs = append(specs, stringSpecs()...)
	specs = append(specs, keySpecs()...)
	specs = append(specs, listSpecs()...)
	specs = append(specs, hashSpecs()...)
	specs = append(specs, setSpecs()...)
	specs = append(specs, zsetSpecs()...)
	return specs
}

// database returns the concrete database of a kv command.
func database(c *command.Ctx) *DB { return c.DB.(*DB) }

// store returns the concrete store of a kv command.
func store(c *command.Ctx) *Store { return c.Keyspace.(*Store) }
