package lualib

import (
	"fmt"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// jsonToken is lua-cjson's json_token_type_t; the names are part of its
// error messages ("Expected value but found T_END at character 1").
type jsonToken int

const (
	tObjBegin jsonToken = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// jsonChar is lua-cjson's ch2token table.
var jsonChar = func() [256]jsonToken {
	var t [256]jsonToken
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'] = tObjBegin, tObjEnd, tArrBegin, tArrEnd
	t[','], t[':'], t[0] = tComma, tColon, tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tUnknown
	}
	return t
}()

// jsonEscapeChar is lua-cjson's escape2char; 0 marks an invalid escape.
var jsonEscapeChar = [256]byte{
	'"': '"', '\\': '\\', '/': '/', 'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', 'u': 'u',
}

type jsonValue struct {
	typ   jsonToken
	index int    // where the token starts, 0-based
	str   string // tString's value, or tError's description
	num   float64
	b     bool
}

// jsonParser reads the input as lua-cjson does, as a C string: a NUL byte,
// or the end of the input, is T_END.
type jsonParser struct {
	L     *lua.LState
	cfg   *cjsonConfig
	data  string
	ptr   int
	depth int
}

func (p *jsonParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// decode is cjson.decode(text).
func (c *cjsonConfig) decode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "decode", "expected 1 argument")
	}
	data := checkString(L, 1, "decode")
	// Only the first byte is sure to be ASCII in any JSON text, so a NUL in
	// the first two reveals UTF-16 or UTF-32 (RFC 4627, section 3).
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		raise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	p := &jsonParser{L: L, cfg: c, data: data}
	v := p.value(p.next())
	if tok := p.next(); tok.typ != tEnd {
		p.fail("the end", tok)
	}
	L.Push(v)
	return 1
}

func (p *jsonParser) fail(expected string, tok jsonValue) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	raise(p.L, fmt.Sprintf("Expected %s but found %s at character %d", expected, found, tok.index+1))
}

func (p *jsonParser) tokenError(what string) jsonValue {
	return jsonValue{typ: tError, index: p.ptr, str: what}
}

// next is json_next_token.
func (p *jsonParser) next() jsonValue {
	typ := jsonChar[p.at(p.ptr)]
	for typ == tWhitespace {
		p.ptr++
		typ = jsonChar[p.at(p.ptr)]
	}
	switch typ {
	case tError:
		return p.tokenError("invalid token")
	case tEnd:
		return jsonValue{typ: tEnd, index: p.ptr}
	case tUnknown:
	default:
		p.ptr++
		return jsonValue{typ: typ, index: p.ptr - 1}
	}
	ch := p.at(p.ptr)
	rest := p.data[p.ptr:]
	switch {
	case ch == '"':
		return p.stringToken()
	case ch == '-' || isDigit(ch):
		if p.cfg.decodeInvalidNumbers == 0 && p.invalidNumber() {
			return p.tokenError("invalid number")
		}
		return p.numberToken()
	case strings.HasPrefix(rest, "true"):
		p.ptr += 4
		return jsonValue{typ: tBoolean, index: p.ptr - 4, b: true}
	case strings.HasPrefix(rest, "false"):
		p.ptr += 5
		return jsonValue{typ: tBoolean, index: p.ptr - 5}
	case strings.HasPrefix(rest, "null"):
		p.ptr += 4
		return jsonValue{typ: tNull, index: p.ptr - 4}
	case p.cfg.decodeInvalidNumbers != 0 && p.invalidNumber():
		// Only what strict JSON rejects (Inf, NaN, "+1", hex) is read
		// as a number here, so other bad input stays "invalid token".
		return p.numberToken()
	}
	return p.tokenError("invalid token")
}

// invalidNumber is json_is_invalid_number: a leading '+', hex, a leading
// zero, inf or nan, which strtod accepts and JSON does not.
func (p *jsonParser) invalidNumber() bool {
	i := p.ptr
	if p.at(i) == '+' {
		return true
	}
	if p.at(i) == '-' {
		i++
	}
	if c := p.at(i); c == '0' {
		c2 := p.at(i + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	} else if c <= '9' {
		return false
	}
	rest := p.data[min(i, len(p.data)):]
	return hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan")
}

func (p *jsonParser) numberToken() jsonValue {
	end := len(p.data)
	if i := strings.IndexByte(p.data[p.ptr:], 0); i >= 0 {
		end = p.ptr + i
	}
	f, n := strtod(p.data[p.ptr:end])
	if n == 0 {
		return p.tokenError("invalid number")
	}
	tok := jsonValue{typ: tNumber, index: p.ptr, num: f}
	p.ptr += n
	return tok
}

// stringToken is json_next_string_token; p.ptr is at the opening quote.
func (p *jsonParser) stringToken() jsonValue {
	start := p.ptr
	p.ptr++
	var b []byte
	for {
		ch := p.at(p.ptr)
		if ch == '"' {
			break
		}
		if ch == 0 {
			return p.tokenError("unexpected end of string")
		}
		if ch == '\\' {
			ch = jsonEscapeChar[p.at(p.ptr+1)]
			if ch == 'u' {
				var ok bool
				if b, ok = p.unicodeEscape(b); ok {
					continue
				}
				return p.tokenError("invalid unicode escape code")
			}
			if ch == 0 {
				return p.tokenError("invalid escape code")
			}
			p.ptr++
		}
		b = append(b, ch)
		p.ptr++
	}
	p.ptr++
	return jsonValue{typ: tString, index: start, str: string(b)}
}

func (p *jsonParser) hex4(i int) int {
	v := 0
	for j := 0; j < 4; j++ {
		c := p.at(i + j)
		var d int
		switch {
		case isDigit(c):
			d = int(c - '0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			d = int(c|0x20-'a') + 10
		default:
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// unicodeEscape is json_append_unicode_escape: \u and four hex digits, or a surrogate pair
// of two, appended as UTF-8. A lone low surrogate is an error; a lone high
// one must be followed by a low one.
func (p *jsonParser) unicodeEscape(b []byte) ([]byte, bool) {
	cp := p.hex4(p.ptr + 2)
	if cp < 0 {
		return b, false
	}
	escapeLen := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 {
			return b, false
		}
		if p.at(p.ptr+6) != '\\' || p.at(p.ptr+7) != 'u' {
			return b, false
		}
		low := p.hex4(p.ptr + 8)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return b, false
		}
		cp = ((cp&0x3FF)<<10 | low&0x3FF) + 0x10000
		escapeLen = 12
	}
	b = utf8.AppendRune(b, rune(cp))
	p.ptr += escapeLen
	return b, true
}

// value is json_process_value.
func (p *jsonParser) value(tok jsonValue) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tNull:
		return p.cfg.null
	case tObjBegin:
		return p.object()
	case tArrBegin:
		return p.array()
	}
	p.fail("value", tok)
	return nil
}

func (p *jsonParser) descend() {
	p.depth++
	if p.depth > p.cfg.decodeMaxDepth {
		raise(p.L, fmt.Sprintf("Found too many nested data structures (%d) at character %d", p.depth, p.ptr))
	}
}

func (p *jsonParser) object() lua.LValue {
	p.descend()
	t := p.L.NewTable()
	tok := p.next()
	if tok.typ == tObjEnd {
		p.depth--
		return t
	}
	for {
		if tok.typ != tString {
			p.fail("object key string", tok)
		}
		key := lua.LString(tok.str)
		if tok = p.next(); tok.typ != tColon {
			p.fail("colon", tok)
		}
		t.RawSetString(string(key), p.value(p.next()))
		tok = p.next()
		if tok.typ == tObjEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or object end", tok)
		}
		tok = p.next()
	}
}

func (p *jsonParser) array() lua.LValue {
	p.descend()
	t := p.L.NewTable()
	tok := p.next()
	if tok.typ == tArrEnd {
		p.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, p.value(tok))
		tok = p.next()
		if tok.typ == tArrEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or array end", tok)
		}
		tok = p.next()
	}
}
