package main

import (
	"errors"
	"fmt"
	"strings"
)

// A config file is read as redis.conf is: one directive per line, `name
// value...`; lines that start with # and blank lines are ignored; names
// are case-insensitive; values are split as redis-server splits them
// (sdssplitargs), so "double quotes" take \n \r \t \b \a \xHH and \"
// escapes, 'single quotes' take \', and "" is an empty value. As in Redis a
// # after a directive is not a comment, and a later line overrides an
// earlier one.

// directive is one non-blank, non-comment line of a config file.
type directive struct {
	line int      // 1-based line number
	name string   // as written
	args []string // unquoted values
}

// parseConfigFile splits a config file into directives. It checks only
// the syntax; applyConfigFile checks names and values.
func parseConfigFile(file string, data []byte) ([]directive, error) {
	var out []directive
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.Trim(line, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		words, err := splitArgs(line)
		if err != nil {
			return nil, fmt.Errorf("config file %s line %d: %w", file, i+1, err)
		}
		if len(words) == 0 {
			continue
		}
		out = append(out, directive{line: i + 1, name: words[0], args: words[1:]})
	}
	return out, nil
}

// applyConfigFile sets o from the config file's directives. An error names
// the file, the line, the directive and the problem:
//
//	config file /etc/brokerd.conf line 3: port: "abc" is not a number
func applyConfigFile(o *options, file string, data []byte) error {
	dirs, err := parseConfigFile(file, data)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := applyDirective(o, d); err != nil {
			return fmt.Errorf("config file %s line %d: %s: %w", file, d.line, d.name, err)
		}
	}
	return nil
}

func applyDirective(o *options, d directive) error {
	name := strings.ToLower(d.name)
	if name == "include" {
		return errors.New("not supported; put every directive in one file")
	}
	s, ok := lookupDirective(name)
	if !ok {
		return fmt.Errorf("unknown directive (brokerd knows %s)", knownDirectives())
	}
	return s.set(o, d.args)
}

func knownDirectives() string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.directive
	}
	return strings.Join(names, ", ")
}

// splitArgs splits a line into words the way Redis's sdssplitargs does.
func splitArgs(line string) ([]string, error) {
	var words []string
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			return words, nil
		}
		var w strings.Builder
		inDouble, inSingle := false, false
	word:
		for {
			switch {
			case inDouble:
				switch {
				case i == len(line):
					return nil, errors.New("unbalanced quotes")
				case line[i] == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					w.WriteByte(unhex(line[i+2])<<4 | unhex(line[i+3]))
					i += 4
				case line[i] == '\\' && i+1 < len(line):
					w.WriteByte(unescape(line[i+1]))
					i += 2
				case line[i] == '"':
					i++
					if i < len(line) && !isSpace(line[i]) {
						return nil, errors.New("closing quote must be followed by a space or the end of the line")
					}
					break word
				default:
					w.WriteByte(line[i])
					i++
				}
			case inSingle:
				switch {
				case i == len(line):
					return nil, errors.New("unbalanced quotes")
				case line[i] == '\\' && i+1 < len(line) && line[i+1] == '\'':
					w.WriteByte('\'')
					i += 2
				case line[i] == '\'':
					i++
					if i < len(line) && !isSpace(line[i]) {
						return nil, errors.New("closing quote must be followed by a space or the end of the line")
					}
					break word
				default:
					w.WriteByte(line[i])
					i++
				}
			case i == len(line) || isSpace(line[i]):
				break word
			case line[i] == '"':
				inDouble = true
				i++
			case line[i] == '\'':
				inSingle = true
				i++
			default:
				w.WriteByte(line[i])
				i++
			}
		}
		words = append(words, w.String())
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}
