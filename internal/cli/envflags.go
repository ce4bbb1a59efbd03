package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// envName is the environment variable of a flag: ONEROSTER_ and the
// flag's name upper-cased, - as _ (--public-url: ONEROSTER_PUBLIC_URL).
func envName(flagName string) string {
	return "ONEROSTER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// nameEnv adds to the help of every flag of fs the environment variable
// that may give it (see flagsFromEnv). Call it before parsing, so that
// -h shows them.
func nameEnv(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if name := envName(f.Name); !strings.Contains(f.Usage, name) {
			f.Usage += " (env " + name + ")"
		}
	})
}

// flagsFromEnv gives every flag of fs that the command line did not set
// the value of its environment variable (envName), after parsing: a flag
// on the command line wins, and a bad value in a variable it overrides
// does not matter. An empty variable counts as unset. The error of a
// value the flag refuses names the variable and the kind of value wanted.
// With only, only the flags named are looked up.
func (e *env) flagsFromEnv(fs *flag.FlagSet, only ...string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		v := e.getenv(name)
		if given[f.Name] || v == "" || err != nil || len(only) > 0 && !slices.Contains(only, f.Name) {
			return
		}
		if fs.Set(f.Name, v) != nil {
			err = fmt.Errorf("environment variable %s=%q is not a valid --%s: want %s", name, v, f.Name, valueKind(f))
		}
	})
	return err
}

// valueKind says in words what a flag takes (the flag package's own
// error says only "parse error").
func valueKind(f *flag.Flag) string {
	if k, ok := f.Value.(interface{ Kind() string }); ok {
		return k.Kind()
	}
	kind, _ := flag.UnquoteUsage(f)
	switch kind {
	case "int", "uint":
		return "a whole number"
	case "float":
		return "a number"
	case "duration":
		return "a duration such as 90s, 15m or 1h"
	case "":
		return "true or false"
	}
	return "a " + kind
}
