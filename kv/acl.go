package kv

import "github.com/brokerd/brokerd/command"

// withFamilyACL sets the ACL categories of a data type's commands as Redis
// derives them (setImplicitACLCategories): @read or @write from the
// flags, the type's own category, @fast or @slow, and @blocking, in the
// order COMMAND INFO prints them.
func withFamilyACL(family string, specs []command.Spec) []command.Spec {
	for i := range specs {
		specs[i].ACLCategories = familyACL(family, specs[i].Flags)
	}
	return specs
}

func familyACL(family string, f command.Flag) []string {
	var cats []string
	switch {
	case f&command.ReadOnly != 0:
		cats = append(cats, "@read")
	case f&command.Write != 0:
		cats = append(cats, "@write")
	}
	cats = append(cats, family)
	if f&command.Fast != 0 {
		cats = append(cats, "@fast")
	} else {
		cats = append(cats, "@slow")
	}
	if f&command.Blocking != 0 {
		cats = append(cats, "@blocking")
	}
	return cats
}
