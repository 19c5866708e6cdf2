// Package resptest turns RESP replies into short readable strings and
// command lines into argument vectors, so table tests read like a
// redis-cli session.
package resptest

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Split splits a command line on spaces; double quotes group words and
// allow the escapes \" \\ \r \n \t and \xHH.
func Split(line string) [][]byte {
	var args [][]byte
	var cur []byte
	inQuote, have := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(line):
			i++
			switch line[i] {
			case 'n':
				cur = append(cur, '\n')
			case 'r':
				cur = append(cur, '\r')
			case 't':
				cur = append(cur, '\t')
			case 'x':
				v, _ := strconv.ParseUint(line[i+1:i+3], 16, 8)
				cur = append(cur, byte(v))
				i += 2
			default:
				cur = append(cur, line[i])
			}
		case c == '"':
			inQuote = !inQuote
			have = true
		case c == ' ' && !inQuote:
			if have {
				args = append(args, cur)
				cur, have = nil, false
			}
		default:
			cur = append(cur, c)
			have = true
		}
	}
	if have {
		args = append(args, cur)
	}
	return args
}

// Format renders RESP2/RESP3 replies compactly: "OK", "(nil)", "(int) 3",
// a quoted bulk string, "ERR ..." for errors, "[a b]" for arrays,
// "{k:v}" for maps, "(double) 1.5", "(bool) true". Several replies are
// joined with " | ".
func Format(raw []byte) string {
	r := bufio.NewReader(bytes.NewReader(raw))
	var parts []string
	for {
		if _, err := r.Peek(1); err != nil {
			break
		}
		s, err := one(r)
		if err != nil {
			parts = append(parts, "<bad RESP: "+err.Error()+">")
			break
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func one(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("empty line")
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return body, nil
	case ':':
		return "(int) " + body, nil
	case ',':
		return "(double) " + body, nil
	case '#':
		return "(bool) " + map[string]string{"t": "true", "f": "false"}[body], nil
	case '_':
		return "(nil)", nil
	case '$', '=':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return "(nil)", nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(r, buf); err != nil {
			return "", err
		}
		s := string(buf[:n])
		if line[0] == '=' {
			s = s[4:]
		}
		return strconv.Quote(s), nil
	case '*', '~', '>', '%':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return "(nil array)", nil
		}
		items := n
		if line[0] == '%' {
			items = 2 * n
		}
		var elems []string
		for i := 0; i < items; i++ {
			e, err := one(r)
			if err != nil {
				return "", err
			}
			elems = append(elems, e)
		}
		if line[0] == '%' {
			var kv []string
			for i := 0; i < len(elems); i += 2 {
				kv = append(kv, elems[i]+":"+elems[i+1])
			}
			return "{" + strings.Join(kv, " ") + "}", nil
		}
		open := map[byte]string{'*': "[", '~': "set[", '>': "push["}[line[0]]
		return open + strings.Join(elems, " ") + "]", nil
	}
	return "", fmt.Errorf("unknown type %q", line[0])
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
