package main

import (
	"fmt"
	"os"
	"strings"
)

// configEnv names the environment variable that gives the config file.
const configEnv = envPrefix + "CONFIG"

// buildOptions resolves the start-up settings from, lowest first: the
// defaults, the config file (--config or BROKERD_CONFIG), the environment,
// the flags given on the command line. It is a pure function of its
// inputs: flags maps flag names to the values given, env is the
// environment, readFile reads the config file.
//
// Errors name where the bad value came from:
//
//	config file /x/brokerd.conf line 3: port: "abc" is not a number
//	environment variable BROKERD_PORT: "abc" is not a number
//	flag --port: "abc" is not a number
//	invalid configuration: dir: must not be empty
func buildOptions(flags, env map[string]string, readFile func(string) ([]byte, error)) (options, error) {
	o := defaultOptions()
	path, ok := flags[configFlag]
	if !ok {
		path = env[configEnv]
	}
	if path != "" {
		data, err := readFile(path)
		if err != nil {
			return options{}, fmt.Errorf("config file: %w", err)
		}
		if err := applyConfigFile(&o, path, data); err != nil {
			return options{}, err
		}
	}
	for _, s := range settings {
		if v, ok := env[s.env]; ok {
			if err := s.setValue(&o, v); err != nil {
				return options{}, fmt.Errorf("environment variable %s: %w", s.env, err)
			}
		}
	}
	for _, s := range settings {
		if v, ok := flags[s.flag]; ok {
			if err := s.setValue(&o, v); err != nil {
				return options{}, fmt.Errorf("flag --%s: %w", s.flag, err)
			}
		}
	}
	if err := o.cfg.Validate(); err != nil {
		return options{}, fmt.Errorf("invalid configuration: %w", err)
	}
	return o, nil
}

// environ returns the process environment as a map.
func environ() map[string]string {
	env := make(map[string]string)
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}
