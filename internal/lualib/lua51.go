package lualib

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Lua 5.1 turns a number into a string with "%.14g" (tostring(1/3) is
// "0.33333333333333", 1e15 is "1e+15", 0/0 is "-nan"); gopher-lua prints
// Go's shortest form ("0.3333333333333333", "1000000000000000", "NaN"). A
// script that builds keys or values from numbers must get Redis's strings,
// so OpenCompat replaces the functions that convert (tostring, tonumber,
// string.format, table.concat, math.random) and RewriteConcat makes the
// ".." operator call one too, since gopher-lua's VM formats its operands
// itself with no hook.
//
// What still formats numbers the gopher-lua way: a number passed to the
// other string functions (string.upper(1/3), string.len(1e15)) and the
// implicit conversions inside gopher-lua's own libraries.

// ConcatName is the global RewriteConcat's calls go through. It cannot be
// spelled as a Lua identifier, so no script can shadow it by accident.
const ConcatName = "\x00concat"

// NumberToString formats f as Lua 5.1's tostring does ("%.14g").
func NumberToString(f float64) string { return formatG(f, 14) }

// OpenCompat installs the Lua 5.1 number conversions in L's globals and
// libraries: call it after the base, string, table and math libraries are
// open and before they are made read-only.
func OpenCompat(L *lua.LState) {
	g := L.G.Global
	g.RawSetString("tostring", L.NewFunction(baseToString))
	g.RawSetString("tonumber", L.NewFunction(baseToNumber))
	g.RawSetString(ConcatName, L.NewFunction(concat))
	// Chunks loaded at run time get the ".." rewrite too.
	g.RawSetString("loadstring", L.NewFunction(baseLoadString))
	g.RawSetString("load", L.NewFunction(baseLoad))
	if t, ok := g.RawGetString("string").(*lua.LTable); ok {
		t.RawSetString("format", L.NewFunction(strFormat))
		t.RawSetString("rep", L.NewFunction(strRep))
	}
	if t, ok := g.RawGetString("table").(*lua.LTable); ok {
		t.RawSetString("concat", L.NewFunction(tabConcat))
	}
	if t, ok := g.RawGetString("math").(*lua.LTable); ok {
		rng := &lrand48{x: lrand48Start}
		t.RawSetString("random", L.NewFunction(rng.random))
		t.RawSetString("randomseed", L.NewFunction(rng.randomseed))
		// gopher-lua's math.huge is the largest finite number; Lua's is
		// HUGE_VAL, infinity ("inf" to tostring, refused by cjson).
		t.RawSetString("huge", lua.LNumber(math.Inf(1)))
	}
}

func baseToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(NumberToString(float64(n))))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// baseToNumber is Lua 5.1's luaB_tonumber: base 10 reads strtod syntax
// (hexadecimal, exponents, "inf" and "nan" too), other bases strtoul's.
func baseToNumber(L *lua.LState) int {
	base := optInteger(L, 2, "tonumber", 10)
	if base == 10 {
		L.CheckAny(1)
		if f, ok := toNumber(L.Get(1)); ok {
			L.Push(lua.LNumber(f))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}
	s := checkString(L, 1, "tonumber")
	if base < 2 || base > 36 {
		argError(L, 2, "tonumber", "base out of range")
	}
	if n, ok := strtoul(s, int(base)); ok {
		L.Push(lua.LNumber(float64(n)))
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// baseLoadString is gopher-lua's loadstring with RewriteConcat applied, so
// that ".." in a chunk a script loads formats numbers as the script's own
// ".." does. Chunk names and error texts stay gopher-lua's.
func baseLoadString(L *lua.LState) int {
	return loadChunk(L, L.CheckString(1), L.OptString(2, "<string>"))
}

// baseLoad is gopher-lua's load (the chunk read from a reader function)
// with RewriteConcat applied.
func baseLoad(L *lua.LState) int {
	fn := L.CheckFunction(1)
	name := L.OptString(2, "?")
	var b strings.Builder
	for {
		L.Push(fn)
		L.Call(0, 1)
		ret := L.Get(-1)
		L.Pop(1)
		if ret == lua.LNil {
			break
		}
		if !lua.LVCanConvToString(ret) {
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		piece := ret.String()
		if piece == "" {
			break
		}
		b.WriteString(piece)
	}
	return loadChunk(L, b.String(), name)
}

// loadChunk compiles src as gopher-lua's L.Load does, plus RewriteConcat,
// and returns the function (in L's environment) or nil and the error.
func loadChunk(L *lua.LState, src, name string) int {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err == nil {
		RewriteConcat(chunk)
		var proto *lua.FunctionProto
		if proto, err = lua.Compile(chunk, name); err == nil {
			fn := L.NewFunctionFromProto(proto)
			fn.Env = L.Env
			L.Push(fn)
			return 1
		}
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(err.Error()))
	return 2
}

// strtoul reads s as C's strtoul in base, requiring only white space after
// the digits.
func strtoul(s string, base int) (uint64, bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if base == 16 && len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x' && digitValue(s[2]) < 16 {
		s = s[2:]
	}
	var n uint64
	i, overflow := 0, false
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if n > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		n = n*uint64(base) + uint64(d)
	}
	if i == 0 || strings.TrimLeft(s[i:], " \t\n\v\f\r") != "" {
		return 0, false
	}
	if overflow {
		return math.MaxUint64, true
	}
	if neg {
		n = -n
	}
	return n, true
}

func digitValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case 'a' <= c|0x20 && c|0x20 <= 'z':
		return int(c|0x20-'a') + 10
	}
	return 99
}

// concat is the ".." operator (luaV_concat) over its operands: runs of
// strings and numbers are joined, numbers formatted as tostring does; any
// other operand goes to a __concat metamethod, right to left.
func concat(L *lua.LState) int {
	n := L.GetTop()
	top := L.Get(n)
	for i := n - 1; i >= 1; i-- {
		lhs := L.Get(i)
		ls, lok := toString(lhs)
		rs, rok := toString(top)
		if lok && rok {
			// Gather every string and number to the left in one join.
			j := i
			parts := []string{rs, ls}
			for j > 1 {
				s, ok := toString(L.Get(j - 1))
				if !ok {
					break
				}
				parts = append(parts, s)
				j--
			}
			var b strings.Builder
			for k := len(parts) - 1; k >= 0; k-- {
				b.WriteString(parts[k])
			}
			top = lua.LString(b.String())
			i = j
			continue
		}
		mm := L.GetMetaField(lhs, "__concat")
		if mm == lua.LNil {
			mm = L.GetMetaField(top, "__concat")
		}
		if mm == lua.LNil {
			bad := lhs
			if lok {
				bad = top
			}
			L.RaiseError("attempt to concatenate a %s value", bad.Type().String())
		}
		L.Push(mm)
		L.Push(lhs)
		L.Push(top)
		L.Call(2, 1)
		top = L.Get(-1)
		L.Pop(1)
	}
	L.Push(top)
	return 1
}

// maxRepBytes bounds what string.rep builds: proto-max-bulk-len's
// default, so no Redis value could hold more. Lua's allocator fails with
// "not enough memory", which a script can catch; a Go allocation that
// fails ends the whole process instead.
const maxRepBytes = 512 << 20

// strRep is Lua 5.1's string.rep, whose count is luaL_checkint's: C's
// (int) of a (ptrdiff_t), so 2^32+3 repeats 3 times and 2^40 not at all
// (redis-server 7.0.15 returns "" for string.rep('x', 2^40), where
// gopher-lua's asked Go for a terabyte and the server died).
func strRep(L *lua.LState) int {
	s := checkString(L, 1, "rep")
	n := int32(toInteger(checkNumber(L, 2, "rep")))
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if int64(len(s))*int64(n) > maxRepBytes {
		raise(L, "not enough memory")
	}
	L.Push(lua.LString(strings.Repeat(s, int(n))))
	return 1
}

// tabConcat is Lua 5.1's table.concat: numbers joined as tostring formats
// them.
func tabConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := ""
	if L.Get(2) != lua.LNil {
		sep = checkString(L, 2, "concat")
	}
	i := optInteger(L, 3, "concat", 1)
	last := optInteger(L, 4, "concat", int64(t.Len()))
	var b strings.Builder
	for ; i <= last; i++ {
		v := t.RawGetInt(int(i))
		s, ok := toString(v)
		if !ok {
			raise(L, "invalid value ("+v.Type().String()+") at index "+strconv.FormatInt(i, 10)+" in table for 'concat'")
		}
		b.WriteString(s)
		if i != last {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// RewriteConcat replaces every ".." in chunk by a call of the function at
// ConcatName, a chain a..b..c by one call with all its operands, so that
// numbers are formatted as Lua 5.1 formats them (see OpenCompat).
func RewriteConcat(chunk []ast.Stmt) {
	for _, st := range chunk {
		rewriteStmt(st)
	}
}

func rewriteStmt(st ast.Stmt) {
	switch s := st.(type) {
	case *ast.AssignStmt:
		rewriteExprs(s.Lhs)
		rewriteExprs(s.Rhs)
	case *ast.LocalAssignStmt:
		rewriteExprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = rewriteExpr(s.Expr)
	case *ast.DoBlockStmt:
		RewriteConcat(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = rewriteExpr(s.Condition)
		RewriteConcat(s.Stmts)
	case *ast.RepeatStmt:
		s.Condition = rewriteExpr(s.Condition)
		RewriteConcat(s.Stmts)
	case *ast.IfStmt:
		s.Condition = rewriteExpr(s.Condition)
		RewriteConcat(s.Then)
		RewriteConcat(s.Else)
	case *ast.NumberForStmt:
		s.Init, s.Limit = rewriteExpr(s.Init), rewriteExpr(s.Limit)
		if s.Step != nil {
			s.Step = rewriteExpr(s.Step)
		}
		RewriteConcat(s.Stmts)
	case *ast.GenericForStmt:
		rewriteExprs(s.Exprs)
		RewriteConcat(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name != nil {
			if s.Name.Func != nil {
				s.Name.Func = rewriteExpr(s.Name.Func)
			}
			if s.Name.Receiver != nil {
				s.Name.Receiver = rewriteExpr(s.Name.Receiver)
			}
		}
		RewriteConcat(s.Func.Stmts)
	case *ast.ReturnStmt:
		rewriteExprs(s.Exprs)
	}
}

func rewriteExprs(es []ast.Expr) {
	for i, e := range es {
		es[i] = rewriteExpr(e)
	}
}

func rewriteExpr(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.StringConcatOpExpr:
		var args []ast.Expr
		var cur ast.Expr = x
		for {
			c, ok := cur.(*ast.StringConcatOpExpr)
			if !ok {
				args = append(args, adjust(rewriteExpr(cur)))
				break
			}
			args = append(args, adjust(rewriteExpr(c.Lhs)))
			cur = c.Rhs
		}
		fn := &ast.IdentExpr{Value: ConcatName}
		fn.SetLine(x.Line())
		fn.SetLastLine(x.LastLine())
		call := &ast.FuncCallExpr{Func: fn, Args: args, AdjustRet: true}
		// Lua 5.1 places a concatenation at the line of its last operand,
		// as its errors show.
		line := x.Line()
		if l := args[len(args)-1].Line(); l > line {
			line = l
		}
		fn.SetLine(line)
		call.SetLine(line)
		call.SetLastLine(x.LastLine())
		return call
	case *ast.AttrGetExpr:
		x.Object, x.Key = rewriteExpr(x.Object), rewriteExpr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				f.Key = rewriteExpr(f.Key)
			}
			f.Value = rewriteExpr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Func != nil {
			x.Func = rewriteExpr(x.Func)
		}
		if x.Receiver != nil {
			x.Receiver = rewriteExpr(x.Receiver)
		}
		rewriteExprs(x.Args)
	case *ast.LogicalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.RelationalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.UnaryNotOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.UnaryLenOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.FunctionExpr:
		RewriteConcat(x.Stmts)
	}
	return e
}

// adjust keeps an operand to one value, as an operand of ".." is: a call
// or "..." passed as the last argument would pass all of its values.
func adjust(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		x.AdjustRet = true
	case *ast.Comma3Expr:
		x.AdjustRet = true
	}
	return e
}

// lrand48 is Redis's math.random generator (rand.c, the 48-bit drand48
// recurrence), one per script state: the sequence goes on from script to
// script and math.randomseed(n) restarts it as in Redis.
type lrand48 struct{ x uint64 }

const lrand48Max = 1<<31 - 1 // REDIS_LRAND48_MAX

// lrand48Start is rand.c's initial state (X2 X1 X0), which Redis never
// reseeds by itself: a fresh redis-server's first math.random() is
// 0.39646477363839 (7.0.15), and so is a fresh brokerd's.
const lrand48Start = 0x1234ABCD330E

func (r *lrand48) seed(n int32) { r.x = uint64(uint32(n))<<16 | 0x330E }

func (r *lrand48) next() int32 {
	r.x = (0x5DEECE66D*r.x + 0xB) & (1<<48 - 1)
	return int32(r.x >> 17)
}

// random is Redis's redis_math_random: Lua 5.1's math.random over lrand48.
func (r *lrand48) random(L *lua.LState) int {
	f := float64(r.next()%lrand48Max) / lrand48Max
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(f))
	case 1:
		u := toInt32(checkNumber(L, 1, "random"))
		if u < 1 {
			argError(L, 1, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(f*float64(u)) + 1))
	case 2:
		l := toInt32(checkNumber(L, 1, "random"))
		u := toInt32(checkNumber(L, 2, "random"))
		if l > u {
			argError(L, 2, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(f*float64(int64(u)-int64(l)+1)) + float64(l)))
	default:
		raise(L, "wrong number of arguments")
	}
	return 1
}

func (r *lrand48) randomseed(L *lua.LState) int {
	r.seed(toInt32(checkNumber(L, 1, "randomseed")))
	return 0
}
