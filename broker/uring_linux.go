package broker

import (
	"fmt"
	"math"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// uring is the smallest io_uring the event loop needs: a batch of
// socket reads or writes handed to the kernel in one system call. At
// pipeline 1 a request costs Redis one read(2) and one write(2), and on
// this kind of virtual machine the entry into the kernel is a good part
// of either; the loop makes one io_uring_enter per batch instead.
//
// Every request carries MSG_DONTWAIT, which io_uring honours by
// completing it at once with EAGAIN instead of waiting for the socket:
// so a batch is complete when io_uring_enter returns, and the buffers
// handed in are the kernel's only for that call.
type uring struct {
	fd      int
	rings   []byte // the submission and completion rings (one mapping)
	sqeMem  []byte
	sqHead  *uint32
	sqTail  *uint32
	sqMask  uint32
	sqArray unsafe.Pointer
	sqes    unsafe.Pointer
	cqHead  *uint32
	cqTail  *uint32
	cqMask  uint32
	cqes    unsafe.Pointer
	entries uint32 // the most requests a batch may hold
	queued  uint32 // requests prepared since the last enter
	// held keeps the batch's buffers alive, and on the heap, until the
	// kernel is done with them: the garbage collector does not see the
	// addresses in the ring, and escape analysis does not see them leave.
	held [][]byte
}

// io_uring's ABI (include/uapi/linux/io_uring.h).
const (
	sysIOURingSetup = 425
	sysIOURingEnter = 426

	uringOpSend = 26
	uringOpRecv = 27

	uringEnterGetEvents = 1 << 0
	uringFeatSingleMmap = 1 << 0
	uringSetupSubmitAll = 1 << 7 // a request that fails does not stop the batch behind it
	uringSetupCoopTask  = 1 << 8 // completions need no interrupt of the loop's thread

	uringOffSQRing = 0
	uringOffSQEs   = 0x10000000
)

type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  uringSQOffsets
	cqOff                                                                  uringCQOffsets
}

type uringSQOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type uringCQOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type uringSQE struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64
	addr        uint64
	len         uint32
	msgFlags    uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	spliceFdIn  int32
	addr3       uint64
	pad         uint64
}

type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

// newURing sets up a ring for batches of up to entries requests.
func newURing(entries uint32) (*uring, error) {
	p := uringParams{flags: uringSetupSubmitAll | uringSetupCoopTask}
	fd, _, errno := syscall.Syscall(sysIOURingSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errno
	}
	r := &uring{fd: int(fd), entries: p.sqEntries}
	if p.features&uringFeatSingleMmap == 0 {
		r.close()
		// Every kernel that takes the flags above (5.19 on) maps both
		// rings at once; this only keeps a ring from being misread.
		return nil, syscall.ENOSYS
	}
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(uringCQE{})))
	var err error
	if r.rings, err = syscall.Mmap(r.fd, uringOffSQRing, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE); err != nil {
		r.close()
		return nil, err
	}
	if r.sqeMem, err = syscall.Mmap(r.fd, uringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE); err != nil {
		r.close()
		return nil, err
	}
	base := unsafe.Pointer(&r.rings[0])
	at := func(off uint32) unsafe.Pointer { return unsafe.Add(base, off) }
	r.sqHead, r.sqTail = (*uint32)(at(p.sqOff.head)), (*uint32)(at(p.sqOff.tail))
	r.sqMask, r.sqArray = *(*uint32)(at(p.sqOff.ringMask)), at(p.sqOff.array)
	r.cqHead, r.cqTail = (*uint32)(at(p.cqOff.head)), (*uint32)(at(p.cqOff.tail))
	r.cqMask, r.cqes = *(*uint32)(at(p.cqOff.ringMask)), at(p.cqOff.cqes)
	r.sqes = unsafe.Pointer(&r.sqeMem[0])
	return r, nil
}

func (r *uring) close() {
	if r.rings != nil {
		syscall.Munmap(r.rings)
	}
	if r.sqeMem != nil {
		syscall.Munmap(r.sqeMem)
	}
	syscall.Close(r.fd)
}

// send and recv add a request to the batch, of at most entries; the
// caller keeps buf unchanged until submit returns.
func (r *uring) send(fd int, buf []byte) { r.queue(uringOpSend, fd, buf) }
func (r *uring) recv(fd int, buf []byte) { r.queue(uringOpRecv, fd, buf) }

func (r *uring) queue(op uint8, fd int, buf []byte) {
	tail := *r.sqTail + r.queued
	i := tail & r.sqMask
	sqe := (*uringSQE)(unsafe.Add(r.sqes, uintptr(i)*unsafe.Sizeof(uringSQE{})))
	*sqe = uringSQE{
		opcode:   op,
		fd:       int32(fd),
		addr:     uint64(uintptr(unsafe.Pointer(unsafe.SliceData(buf)))),
		len:      uint32(len(buf)),
		msgFlags: syscall.MSG_DONTWAIT | syscall.MSG_NOSIGNAL,
		userData: uint64(r.queued), // its place in the batch
	}
	*(*uint32)(unsafe.Add(r.sqArray, uintptr(i)*4)) = i
	r.held = append(r.held, buf)
	r.queued++
}

// uringNotMade is the result of a request the kernel did not take.
const uringNotMade = math.MinInt32

// submit hands the batch to the kernel and returns, in res (reused),
// each request's result in the order they were queued: a byte count, a
// negated errno, or uringNotMade. An error means the kernel took only
// part of the batch, or none of it; the ring, whose queue still holds
// the rest, is not to be used again.
func (r *uring) submit(res []int32) ([]int32, error) {
	n := r.queued
	res = res[:0]
	for range n {
		res = append(res, uringNotMade)
	}
	if n == 0 {
		return res, nil
	}
	atomic.StoreUint32(r.sqTail, *r.sqTail+n)
	r.queued = 0
	defer func() {
		clear(r.held)
		r.held = r.held[:0]
	}()
	took, _, errno := syscall.Syscall6(sysIOURingEnter, uintptr(r.fd), uintptr(n), uintptr(n), uringEnterGetEvents, 0, 0)
	if errno != 0 {
		return res, errno
	}
	for got := r.reap(res); got < took; got += r.reap(res) {
		// Not reached while every request completes in the call; a
		// batch the kernel took only part of returns before waiting.
		_, _, errno = syscall.Syscall6(sysIOURingEnter, uintptr(r.fd), 0, took-got, uringEnterGetEvents, 0, 0)
		if errno != 0 && errno != syscall.EINTR {
			return res, errno
		}
	}
	if took < uintptr(n) {
		return res, fmt.Errorf("io_uring took %d of a batch of %d", took, n)
	}
	return res, nil
}

// reap records in res the results the completion queue holds, and
// returns how many it found.
func (r *uring) reap(res []int32) uintptr {
	head, tail := *r.cqHead, atomic.LoadUint32(r.cqTail)
	found := uintptr(tail - head)
	for ; head != tail; head++ {
		c := (*uringCQE)(unsafe.Add(r.cqes, uintptr(head&r.cqMask)*unsafe.Sizeof(uringCQE{})))
		res[c.userData] = c.res
	}
	atomic.StoreUint32(r.cqHead, head)
	return found
}

// uringResult turns a request's result into read(2)'s and write(2)'s.
func uringResult(res int32) (int, error) {
	if res < 0 {
		return 0, syscall.Errno(-res)
	}
	return int(res), nil
}
