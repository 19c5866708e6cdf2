package kv

import "testing"

func TestListLpos(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b c 1 2 3 c c", "(int) 8")
	x.wantUnchanged([]cmdReply{
		{"LPOS l c", "(int) 2"},
		{"LPOS l zz", "(nil)"},
		{"LPOS l c RANK 2", "(int) 6"},
		{"LPOS l c RANK 4", "(nil)"},
		{"LPOS l c RANK -1", "(int) 7"},
		{"LPOS l c RANK -3", "(int) 2"},
		{"LPOS l c COUNT 2", "[(int) 2 (int) 6]"},
		{"LPOS l c COUNT 0", "[(int) 2 (int) 6 (int) 7]"},
		{"LPOS l c RANK 2 COUNT 0", "[(int) 6 (int) 7]"},
		{"LPOS l c RANK -1 COUNT 2", "[(int) 7 (int) 6]"},
		{"LPOS l zz COUNT 1", "[]"},
		{"LPOS l c MAXLEN 2", "(nil)"},
		{"LPOS l c MAXLEN 3", "(int) 2"},
		{"LPOS l c RANK -1 MAXLEN 1", "(int) 7"},
		{"LPOS l a RANK -1 MAXLEN 7", "(nil)"},
		{"LPOS l c COUNT 0 MAXLEN 7", "[(int) 2 (int) 6]"},
		{"LPOS l c RANK 1 RANK 2", "(int) 6"},
		{"LPOS missing c", "(nil)"},
		{"LPOS missing c COUNT 0", "[]"},
		{"LPOS s c", wrongType},
		{"LPOS l c RANK 0", "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"},
		{"LPOS l c RANK x", "ERR value is not an integer or out of range"},
		{"LPOS l c RANK -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"LPOS l c COUNT -1", "ERR COUNT can't be negative"},
		{"LPOS l c COUNT x", "ERR COUNT can't be negative"},
		{"LPOS l c MAXLEN -1", "ERR MAXLEN can't be negative"},
		{"LPOS l c RANK", "ERR syntax error"},
		{"LPOS l c FOO 1", "ERR syntax error"},
		{"LPOS s c FOO 1", "ERR syntax error"}, // options before the key
	})
}
