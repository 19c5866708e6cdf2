package kv

import "github.com/brokerd/brokerd/command"

func stringSpecs() []command.Spec { return nil }
