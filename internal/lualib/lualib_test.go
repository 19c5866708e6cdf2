package lualib

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	lua "github.com/yuin/gopher-lua"
)

// luaCase is a Lua chunk that returns one string, and what Redis returns
// for it: the string, or "ERR " and the error's message without its
// position prefix. Every want was taken from redis-server 7.0.15 (whose four
// libraries are those of 7.2) with TestRedisAgreement.
type luaCase struct {
	name   string
	script string
	want   string
}

// prelude is prepended to every case, here and in Redis. hex shows bytes;
// show renders any value the same way in both interpreters (keys sorted,
// numbers with %.17g, cjson.null as null).
const prelude = `
local function hex(s)
  local h = {}
  for i = 1, #s do h[i] = string.format('%02x', s:byte(i)) end
  return table.concat(h)
end
local show
local function num(v)
  if v ~= v then return 'nan' elseif v == 1/0 then return 'inf'
  elseif v == -1/0 then return '-inf' end
  return string.format('%.17g', v)
end
show = function(v)
  local t = type(v)
  if t == 'number' then return num(v)
  elseif t == 'string' then return '"' .. v .. '"'
  elseif t == 'table' then
    local keys, parts = {}, {}
    for k in pairs(v) do keys[#keys+1] = k end
    table.sort(keys, function(a, b) return show(a) < show(b) end)
    for i, k in ipairs(keys) do parts[i] = show(k) .. '=' .. show(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif v == cjson.null then return 'null'
  end
  return tostring(v)
end
local function showAll(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = show((select(i, ...))) end
  return table.concat(parts, ' ')
end
`

// newState is a bare gopher-lua state with the libraries open.
func newState(t testing.TB) *lua.LState {
	L := lua.NewState()
	t.Cleanup(L.Close)
	Open(L)
	return L
}

var luaPosition = regexp.MustCompile(`^[^\s:]*:\d+: `)

// run runs one case's chunk and returns its result in the form of want.
func run(t testing.TB, script string) string {
	L := newState(t)
	if err := L.DoString(prelude + script); err != nil {
		var apiErr *lua.ApiError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: %v", script, err)
		}
		return "ERR " + luaPosition.ReplaceAllString(apiErr.Object.String(), "")
	}
	s, ok := L.Get(-1).(lua.LString)
	if !ok {
		t.Fatalf("%s: returned %s, not a string", script, L.Get(-1).Type())
	}
	return string(s)
}

func checkCases(t *testing.T, cases []luaCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := run(t, c.script); got != c.want {
				t.Errorf("%s\n got %q\nwant %q", c.script, got, c.want)
			}
		})
	}
}

var redisErrorDecoration = regexp.MustCompile(`^(ERR )?(user_script:\d+: )?|( script: [0-9a-f]+, on @user_script:\d+\.)$`)

// cjsonDefaults restores lua-cjson's settings to their defaults.
const cjsonDefaults = `cjson.encode_max_depth(1000) cjson.decode_max_depth(1000)
cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true)
cjson.encode_number_precision(14) cjson.encode_keep_buffer(true)
cjson.encode_sparse_array(false, 2, 10)`

// TestRedisAgreement runs every case on a real Redis and compares with the
// case's want, which is how the wants were made. It needs
// LUALIB_REDIS_ADDR (for example 127.0.0.1:7241).
func TestRedisAgreement(t *testing.T) {
	addr := os.Getenv("LUALIB_REDIS_ADDR")
	if addr == "" {
		t.Skip("LUALIB_REDIS_ADDR not set")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx := context.Background()
	all := [][]luaCase{cjsonCases, cjsonDecodeCases, bitCases, structCases, cmsgpackCases}
	for _, cases := range all {
		for _, c := range cases {
			res, err := rdb.Eval(ctx, prelude+c.script, nil).Result()
			var got string
			if err != nil {
				got = "ERR " + redisErrorDecoration.ReplaceAllString(err.Error(), "")
			} else {
				s, ok := res.(string)
				if !ok {
					t.Errorf("%s: Redis returned %T %v", c.name, res, res)
					continue
				}
				got = s
			}
			// Redis keeps cjson's settings from one script to the next.
			if err := rdb.Eval(ctx, cjsonDefaults, nil).Err(); err != redis.Nil {
				t.Fatalf("resetting cjson: %v", err)
			}
			if got != c.want {
				t.Errorf("%s: %s\nredis %q\n want %q", c.name, c.script, got, c.want)
			}
		}
	}
}

func TestOpenRegistersTables(t *testing.T) {
	got := run(t, `
local out = {}
for _, lib in ipairs({'cjson', 'bit', 'struct', 'cmsgpack'}) do
  local names = {}
  for k, v in pairs(_G[lib]) do names[#names+1] = k .. ':' .. type(v) end
  table.sort(names)
  out[#out+1] = lib .. '=' .. table.concat(names, ',')
end
return table.concat(out, ' ')`)
	want := strings.Join([]string{
		"cjson=_NAME:string,_VERSION:string,decode:function,decode_invalid_numbers:function,decode_max_depth:function,encode:function,encode_invalid_numbers:function,encode_keep_buffer:function,encode_max_depth:function,encode_number_precision:function,encode_sparse_array:function,new:function,null:userdata",
		"bit=arshift:function,band:function,bnot:function,bor:function,bswap:function,bxor:function,lshift:function,rol:function,ror:function,rshift:function,tobit:function,tohex:function",
		"struct=pack:function,size:function,unpack:function",
		"cmsgpack=_COPYRIGHT:string,_DESCRIPTION:string,_NAME:string,_VERSION:string,pack:function,unpack:function,unpack_limit:function,unpack_one:function",
	}, " ")
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
