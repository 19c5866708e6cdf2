package broker

import "github.com/brokerd/brokerd/command"

// SetTestCommands adds specs to the command table of servers created
// afterwards, for tests of the dispatcher's machinery (blocking) that must
// not wait for a real command family.
func SetTestCommands(specs []command.Spec) { extraSpecs = specs }
