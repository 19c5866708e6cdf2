package bench

import "strings"

// The durability rows are issue 7's first question: what appendfsync
// always costs. They run XADD and LPUSH exactly as the raw rows do, on
// servers started with appendfsync always; the raw rows, under the
// suite's policy (everysec by default), are the figures they are set
// beside in the durability table.

// durablePolicy is the policy of the durability rows.
const durablePolicy = "always"

// durableSuffix ends a durability row's name, which is otherwise its raw
// row's.
const durableSuffix = ", appendfsync " + durablePolicy

// durableProbes are the commands of the durability rows, with their
// probes.
var durableProbes = map[string][]string{
	"XADD":  {"XADD", probeKey, "*", "f", "v"},
	"LPUSH": {"LPUSH", probeKey, "v"},
}

// durabilityWorkloads returns one workload per command (XADD, LPUSH) and
// raw pipeline depth.
func durabilityWorkloads(cfg *Config) []workload {
	var out []workload
	for _, cmd := range []string{"XADD", "LPUSH"} {
		for _, pipe := range cfg.RawPipelines {
			row := rawRow(cmd, pipe) + durableSuffix
			out = append(out, workload{
				group: "durability",
				rows:  []string{row},
				probe: [][]string{durableProbes[cmd]},
				fsync: durablePolicy,
				local: true,
				run: single(func(rc *runCtx) (Sample, error) {
					s, err := runRaw(rc, cmd, pipe)
					s.Row = row
					return s, err
				}),
			})
		}
	}
	return out
}

// durabilityRows pairs each durability row of r with the raw row of the
// same command and depth (run under the suite's policy), named without
// the "raw " and the policy. A raw row that did not run is an empty
// RowResult.
func durabilityRows(r *Result) []tableRow {
	byName := map[string]RowResult{}
	for _, row := range r.Rows {
		byName[row.Name] = row
	}
	var out []tableRow
	for _, row := range r.Rows {
		raw, ok := strings.CutSuffix(row.Name, durableSuffix)
		if !ok {
			continue
		}
		out = append(out, tableRow{
			name:    strings.TrimPrefix(raw, "raw "),
			results: []RowResult{row, byName[raw]},
		})
	}
	return out
}
