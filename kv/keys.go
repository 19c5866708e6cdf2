package kv

import "github.com/brokerd/brokerd/command"

func keySpecs() []command.Spec { return nil }
