package broker

import (
	"math"

	"github.com/brokerd/brokerd/kv"
)

// encodingLimitParams are the listpack and intset limits (kv.EncodingLimits)
// under their names and their ziplist aliases. CONFIG GET reports them;
// CONFIG SET accepts only the value in use, and says why otherwise, as
// client-output-buffer-limit does for its fixed classes.
func encodingLimitParams() []configParam {
	var params []configParam
	for _, l := range kv.EncodingLimits() {
		value := itoa(l.Value)
		p := configParam{name: l.Name, get: func(*Server) string { return value },
			parse: func(_ *Server, v string) (func(), string) {
				n, reason := parseBounded(v, math.MinInt64, math.MaxInt64)
				if reason != "" {
					return nil, reason
				}
				if n != l.Value {
					return nil, "brokerd keeps Redis's default " + value + ": its packed encodings are built for it"
				}
				return func() {}, ""
			}}
		params = append(params, p)
		if l.Alias != "" {
			p.name = l.Alias
			params = append(params, p)
		}
	}
	return params
}
