package command

import "time"

// BlockRequest is what a blocking command (BLPOP, XREAD BLOCK, ...) hands
// the broker when it finds nothing to serve.
//
// The broker parks the client on the FIFO wait queue of every key in Keys.
// Whenever one of those keys is written (DB.Put, DB.Update or DB.Delete on
// it, including from a MULTI/EXEC or a script, once that has finished), the
// broker runs the handler again for each parked client in arrival order,
// under the write lock, with Ctx.Retrying set. A retry that can serve
// writes its reply and emits its effects as any write command does (a pop
// handed to a waiter is logged as that pop); a retry that still finds
// nothing calls Block again and keeps its place in the queues. When the
// timeout passes first, the broker replies OnTimeout.
type BlockRequest struct {
	// Keys are the keys to wait on.
	Keys [][]byte
	// Timeout is how long to wait; 0 waits forever. Only the first Block
	// of a command counts; retries keep the original deadline.
	Timeout time.Duration
	// Args, when set, replaces the command's arguments for its retries,
	// for commands whose arguments mean something relative to the time of
	// the call (XREAD's "$" becomes the stream's last ID). The broker
	// copies them.
	Args [][]byte
	// Ready, when set, is asked before each retry, under the write lock,
	// with the key whose write prompted it (one of Keys) and the value
	// that key now holds (nil when none): false says a retry would find
	// nothing and park again, so the broker skips it (a retry that finds
	// nothing leaves no trace, so skipping it changes nothing). It must
	// answer true whenever in doubt: the key is gone, holds another value,
	// or anything the command depends on changed. The broker looks the key
	// up once for all its waiters, which is why Ready is given the value:
	// a busy queue has every waiter asked on each write. A retry that
	// parks again hands over a fresh Ready.
	Ready func(key string, v Value) bool
	// ReadyClass, when set with Ready, names waiters Ready answers alike:
	// two with the same non-nil class get the same answer for the same
	// key and value. Asking one of them then stands for the rest until
	// the key changes, so a busy group's fifty parked consumers cost one
	// Ready per write, not fifty (each a walk to cold memory).
	ReadyClass any
	// OnTimeout writes the reply sent when the timeout passes; nil sends
	// the null array (Redis's reply for BLPOP, BLMPOP, BZPOPMIN, XREAD).
	OnTimeout func(out *Reply)
}

// CanBlock reports whether the running command may wait. It is false
// inside MULTI/EXEC, inside scripts and during replay, where a blocking
// command must behave as its non-blocking form and reply at once.
func (c *Ctx) CanBlock() bool { return c.blockable && !c.Loading }

// Block asks the broker to park the client (see BlockRequest). The handler
// must then return nil without writing a reply. Calling Block when
// CanBlock is false is a programming error and panics.
func (c *Ctx) Block(req BlockRequest) {
	if !c.CanBlock() {
		panic("command: Block called where blocking is not allowed")
	}
	c.block = &req
}

// SetBlockable is for the broker: it says whether the next command may
// block, and clears any earlier request.
func (c *Ctx) SetBlockable(on bool) { c.blockable, c.block = on, nil }

// TakeBlock is for the broker: it returns the request the handler made, if
// any, and clears it.
func (c *Ctx) TakeBlock() *BlockRequest {
	req := c.block
	c.block = nil
	return req
}
