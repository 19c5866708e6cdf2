//go:build !linux

package bench

import "errors"

func rawEpoll(*worker, int, int, func(int) func([]byte) []byte) (int64, error) {
	return 0, errors.New("bench: the epoll client needs Linux")
}
