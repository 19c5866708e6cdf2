package consumergroups

import "github.com/brokerd/brokerd/streams"

var _ streams.PendingUpTo = (*Set)(nil)

// AppendPendingUpTo implements streams.PendingUpTo: AppendPending, but
// only the IDs not above upTo, so a snapshot of a stream whose entries
// are all still there gathers next to nothing however many are pending.
// Cost: O(log n + k) per group for k IDs appended.
func (set *Set) AppendPendingUpTo(dst []streams.ID, upTo streams.ID) []streams.ID {
	for _, g := range set.groups {
		g.pel.Ascend(streams.ID{}, func(p *pendingEntry) bool {
			if upTo.Less(p.id) {
				return false
			}
			dst = append(dst, p.id)
			return true
		})
	}
	return dst
}
