//go:build !wasip1

package main

import (
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// notifyStop sends SIGTERM and SIGINT to stop.
func notifyStop(stop chan<- os.Signal) { signal.Notify(stop, syscall.SIGTERM, os.Interrupt) }

// listen opens the server's socket on addr ($RIG_LISTEN).
func listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

// stopRoute: outside WASI the stop is SIGTERM (main.go); no route.
func stopRoute(mux *http.ServeMux, stop chan<- os.Signal) {}
