package lualib

import (
	"fmt"
	"math/rand/v2"

	lua "github.com/yuin/gopher-lua"
)

// valueGen makes random Lua values from a fixed seed, so a failing round
// trip fails the same way every run.
type valueGen struct {
	L   *lua.LState
	rnd *rand.Rand
	// jsonSafe keeps to what lua-cjson round-trips: numbers that "%.14g"
	// writes exactly, tables that are either arrays or string-keyed
	// objects.
	jsonSafe bool
}

func newValueGen(L *lua.LState, seed uint64, jsonSafe bool) *valueGen {
	return &valueGen{L: L, rnd: rand.New(rand.NewPCG(seed, seed)), jsonSafe: jsonSafe}
}

func (g *valueGen) value(depth int) lua.LValue {
	kinds := 6
	if depth == 0 {
		kinds = 4 // no tables
	}
	switch g.rnd.IntN(kinds) {
	case 0:
		return g.number()
	case 1:
		return lua.LString(g.str())
	case 2:
		return lua.LBool(g.rnd.IntN(2) == 0)
	case 3:
		return g.number()
	case 4:
		return g.array(depth - 1)
	}
	return g.object(depth - 1)
}

func (g *valueGen) number() lua.LNumber {
	switch g.rnd.IntN(5) {
	case 0:
		return lua.LNumber(g.rnd.IntN(256) - 128)
	case 1:
		return lua.LNumber(g.rnd.Int64N(1<<40) - 1<<39)
	case 2:
		return lua.LNumber(float64(g.rnd.IntN(1<<20)) / 8) // exact in 14 digits and float32
	case 3:
		if g.jsonSafe {
			return lua.LNumber(g.rnd.Int64N(1e14) - 5e13)
		}
		return lua.LNumber(g.rnd.Int64() - g.rnd.Int64()) // int64 and uint64 encodings
	}
	if g.jsonSafe {
		return lua.LNumber(g.rnd.Int32())
	}
	return lua.LNumber(g.rnd.NormFloat64() * 1e6) // float64 encodings
}

func (g *valueGen) str() string {
	n := g.rnd.IntN(40)
	if g.rnd.IntN(100) == 0 {
		n = 300 + g.rnd.IntN(70000) // str16 and str32
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rnd.IntN(256))
	}
	return string(b)
}

func (g *valueGen) array(depth int) *lua.LTable {
	t := g.L.NewTable()
	n := 1 + g.rnd.IntN(20)
	for i := 1; i <= n; i++ {
		t.RawSetInt(i, g.value(depth))
	}
	return t
}

func (g *valueGen) object(depth int) *lua.LTable {
	t := g.L.NewTable()
	for n := g.rnd.IntN(20); n > 0; n-- {
		var k lua.LValue = lua.LString(g.str())
		if !g.jsonSafe && g.rnd.IntN(3) == 0 {
			// Not small positive integers: gopher-lua keeps those in a
			// table's array part, which it grows up to the key.
			k = lua.LNumber(float64(g.rnd.Int64N(1<<40)) - 0.5)
		}
		t.RawSet(k, g.value(depth))
	}
	return t
}

// luaEqual compares values as Lua would compare their contents: numbers
// and strings by value, tables key by key.
func luaEqual(a, b lua.LValue) error {
	ta, okA := a.(*lua.LTable)
	tb, okB := b.(*lua.LTable)
	if !okA || !okB {
		if a.Type() != b.Type() || a.String() != b.String() {
			if fa, ok := a.(lua.LNumber); ok && fa == b { // -0 == 0
				return nil
			}
			return fmt.Errorf("%s %.40q != %s %.40q", a.Type(), a.String(), b.Type(), b.String())
		}
		return nil
	}
	var err error
	count := 0
	ta.ForEach(func(k, v lua.LValue) {
		count++
		if err == nil {
			if e := luaEqual(v, tb.RawGet(k)); e != nil {
				err = fmt.Errorf("[%.20q]: %w", k.String(), e)
			}
		}
	})
	tb.ForEach(func(_, _ lua.LValue) { count-- })
	if err == nil && count != 0 {
		err = fmt.Errorf("tables differ in size by %d", count)
	}
	return err
}

// callLib calls lib.fn(args...) and returns all its results.
func callLib(L *lua.LState, lib, fn string, args ...lua.LValue) ([]lua.LValue, error) {
	top := L.GetTop()
	L.Push(L.GetField(L.GetGlobal(lib), fn))
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		return nil, err
	}
	n := L.GetTop() - top
	out := make([]lua.LValue, n)
	for i := range out {
		out[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return out, nil
}
