//go:build wasip1

package main

import (
	"errors"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// listen: WASI preview 1 cannot open a socket (no sock_open); the runtime
// opens it and hands it over preopened (wazero's `run -listen ADDR`), at
// the first descriptor after the preopened directories (3 + their count).
// addr is where the runtime was told to listen; it is only in the error.
// The descriptor is made non-blocking before os.NewFile: a blocking one
// makes Go's wasip1 poller block the whole (single-threaded) guest in
// sock_accept, so an accepted connection is never read.
func listen(addr string) (net.Listener, error) {
	for fd := 3; fd < 64; fd++ {
		if err := syscall.SetNonblock(fd, true); errors.Is(err, syscall.EBADF) {
			break
		}
		ln, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
		if err == nil {
			go tick()
			return ln, nil
		}
	}
	return nil, errors.New("no preopened listening socket (the WASI runtime must pass one: wazero run -listen " + addr + ")")
}

// tick keeps a timer pending so that Go's poller always gives
// poll_oneoff a clock. wazero 1.12's poll_oneoff answers a read
// subscription on a non-blocking socket as ready at once but returns only
// after the subscriptions' clock timeout, and with no clock (Go polls
// with no timeout when every goroutine waits for I/O) it never returns.
// With the tick an idle server answers its next request within 1 ms.
func tick() {
	for {
		time.Sleep(time.Millisecond)
	}
}

// notifyStop: nothing. A guest gets no signals, and with signal.Notify
// Go 1.26's wasip1 server (under wazero 1.12) never answers a connection.
func notifyStop(stop chan<- os.Signal) {}

// stopRoute: a WASI guest gets no signals (the runtime dies of SIGTERM),
// so rig stops the server with GET /rig/stop once the load is over.
func stopRoute(mux *http.ServeMux, stop chan<- os.Signal) {
	mux.HandleFunc("/rig/stop", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "0")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusNoContent)
		select {
		case stop <- syscall.SIGTERM:
		default:
		}
	})
}
