package streams

import "testing"

func TestHasAfterAgreesWithLast(t *testing.T) {
	s := New()
	id := func(ms uint64) ID { return ID{Ms: ms} }
	check := func(step string) {
		t.Helper()
		for ms := uint64(0); ms <= 12; ms++ {
			last, ok := s.Last()
			want := ok && id(ms).Less(last.ID)
			if got := s.HasAfter(id(ms)); got != want {
				t.Fatalf("%s: HasAfter(%d) = %v, want %v", step, ms, got, want)
			}
		}
	}
	check("empty")
	for ms := uint64(1); ms <= 10; ms++ {
		s.Append(id(ms), [][]byte{[]byte("f"), []byte("v")})
	}
	check("appended")
	for _, ms := range []uint64{10, 9, 3} {
		s.Delete(id(ms))
		if s.maxDeletedID.Less(id(ms)) {
			s.maxDeletedID = id(ms)
		}
		check("deleted")
	}
	s.SetLastID(id(11), -1, ID{})
	check("XSETID above the last entry")
}
