package lualib

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strFormat is Lua 5.1's string.format (lstrlib.c str_format), which hands
// each item to C's sprintf: integers through a C cast of the number (%d
// and %i as long, %o %u %x %X as unsigned long, %c as int), floats with
// C's spelling of infinities and NaN, %s with numbers as tostring formats
// them and cut at a zero byte, and an item's text cut at its first zero
// byte (so %c of 0 adds nothing).
func strFormat(L *lua.LState) int {
	fmtStr := checkString(L, 1, "format")
	top := L.GetTop()
	arg := 1
	var b strings.Builder
	for i := 0; i < len(fmtStr); {
		c := fmtStr[i]
		i++
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i < len(fmtStr) && fmtStr[i] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		arg++
		if arg > top {
			argError(L, arg, "format", "no value")
		}
		spec, conv, next := scanFormat(L, fmtStr, i)
		i = next
		var item string
		switch conv {
		case 'c':
			item = cString(string([]byte{byte(toInt32(checkNumber(L, arg, "format")))}))
			item = pad(item, spec)
		case 'd', 'i':
			item = fmt.Sprintf("%"+spec.flags+spec.width+spec.prec+"d", toInteger(checkNumber(L, arg, "format")))
		case 'o', 'u', 'x', 'X':
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			item = fmt.Sprintf("%"+spec.flags+spec.width+spec.prec+verb, toUnsigned(checkNumber(L, arg, "format")))
		case 'e', 'E', 'f', 'g', 'G':
			item = formatFloat(checkNumber(L, arg, "format"), conv, spec)
		case 'q':
			addQuoted(&b, checkString(L, arg, "format"))
			continue
		case 's':
			s := checkString(L, arg, "format")
			if spec.prec == "" && len(s) >= 100 {
				b.WriteString(s) // kept whole, as Lua keeps a long string
				continue
			}
			s = cString(s)
			if spec.prec != "" {
				if p := spec.precision(); p < len(s) {
					s = s[:p]
				}
			}
			item = pad(s, spec)
		default:
			raise(L, fmt.Sprintf("invalid option '%%%c' to 'format'", conv))
		}
		b.WriteString(cString(item))
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// formatSpec is one item's flags, width and precision as written (the
// precision with its dot).
type formatSpec struct{ flags, width, prec string }

func (s formatSpec) precision() int {
	n := 0
	for _, c := range s.prec[1:] {
		n = n*10 + int(c-'0')
	}
	return n
}

// scanFormat is lstrlib.c's scanformat: flags from "-+ #0" (fewer than
// six), a width and a precision of at most two digits, then the
// conversion character.
func scanFormat(L *lua.LState, f string, i int) (formatSpec, byte, int) {
	var s formatSpec
	start := i
	for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
		i++
	}
	if i-start >= 6 {
		raise(L, "invalid format (repeated flags)")
	}
	s.flags = f[start:i]
	start = i
	for k := 0; k < 2 && i < len(f) && isDigit(f[i]); k++ {
		i++
	}
	s.width = f[start:i]
	if i < len(f) && f[i] == '.' {
		start = i
		i++
		for k := 0; k < 2 && i < len(f) && isDigit(f[i]); k++ {
			i++
		}
		s.prec = f[start:i]
		if s.prec == "." {
			s.prec = ".0"
		}
	}
	if i < len(f) && isDigit(f[i]) {
		raise(L, "invalid format (width or precision too long)")
	}
	if i >= len(f) {
		raise(L, "invalid option '%' to 'format'")
	}
	return s, f[i], i + 1
}

// formatFloat is C's %e %E %f %g %G: Go's verbs agree for finite numbers
// once the precision defaults to 6 as in C; infinities and NaN are spelled
// as glibc spells them and padded with spaces.
func formatFloat(f float64, conv byte, s formatSpec) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		text := formatG(f, 1)
		if conv == 'E' || conv == 'G' {
			text = strings.ToUpper(text)
		}
		if text[0] != '-' {
			if strings.Contains(s.flags, "+") {
				text = "+" + text
			} else if strings.Contains(s.flags, " ") {
				text = " " + text
			}
		}
		return pad(text, formatSpec{flags: strings.ReplaceAll(s.flags, "0", ""), width: s.width})
	}
	prec := s.prec
	if prec == "" {
		prec = ".6"
	}
	if (conv == 'g' || conv == 'G') && prec == ".0" {
		prec = ".1" // C's %g takes precision 0 as 1
	}
	out := fmt.Sprintf("%"+s.flags+s.width+prec+string(conv), f)
	return out
}

// pad pads text to the item's width, on the right with the '-' flag.
func pad(text string, s formatSpec) string {
	w := 0
	for _, c := range s.width {
		w = w*10 + int(c-'0')
	}
	if len(text) >= w {
		return text
	}
	fill := strings.Repeat(" ", w-len(text))
	if strings.Contains(s.flags, "-") {
		return text + fill
	}
	return fill + text
}

// cString cuts s at its first zero byte, as C's string functions read it.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// toUnsigned converts f as a C cast to unsigned long does on x86-64 (gcc):
// below 2^63 through the signed conversion, from there by subtracting 2^63
// first, so out-of-range numbers and infinities give 0 and NaN 2^63.
func toUnsigned(f float64) uint64 {
	if !(f >= 1<<63) {
		return uint64(toInteger(f))
	}
	return uint64(toInteger(f-(1<<63))) ^ 1<<63
}

// addQuoted is lstrlib.c's addquoted (%q).
func addQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
