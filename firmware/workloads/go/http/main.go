// http: a service workload (rig:service). Serves TechEmpower's two simplest
// endpoints with plain net/http until SIGTERM:
//
//	GET /plaintext  "Hello, World!"               text/plain
//	GET /json       {"message":"Hello, World!"}   application/json (encoded per request)
//
// with Server, Date (net/http's own), Content-Type and Content-Length
// headers, HTTP/1.1 keep-alive, and HTTP/2 with prior knowledge (h2c) on the
// same port where the Go release has it (1.24+, h2c_go124.go). It listens on $RIG_LISTEN (host:port,
// default 127.0.0.1:8080), prints rig's ready line once the socket listens,
// and on SIGTERM or SIGINT stops accepting, lets the requests in flight
// finish (2 s at most), prints how many requests it served and its GC
// figures as result lines, then done 0. The C twin is ../../c/http.c.
// Under WASI (GOOS=wasip1) the socket is the runtime's, preopened, and the
// stop is a request (listen_wasip1.go): a guest gets no signals.
package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"rigworkloads/rigreport"
)

var served uint64

type message struct {
	Message string `json:"message"`
}

func plaintext(w http.ResponseWriter, r *http.Request) {
	atomic.AddUint64(&served, 1)
	h := w.Header()
	h.Set("Server", "rig-go")
	h.Set("Content-Type", "text/plain")
	h.Set("Content-Length", "13")
	w.Write([]byte("Hello, World!"))
}

func jsonHandler(w http.ResponseWriter, r *http.Request) {
	atomic.AddUint64(&served, 1)
	body, err := json.Marshal(message{Message: "Hello, World!"})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Server", "rig-go")
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func main() {
	addr := os.Getenv("RIG_LISTEN")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	stop := make(chan os.Signal, 1)
	notifyStop(stop)
	ln, err := listen(addr)
	if err != nil {
		os.Stderr.WriteString("http: listen " + addr + ": " + err.Error() + "\n")
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plaintext", plaintext)
	mux.HandleFunc("/json", jsonHandler)
	stopRoute(mux, stop)
	srv := &http.Server{Handler: mux}
	h2c := enableH2C(srv)
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(ln) }()
	rigreport.Ready()
	select {
	case <-stop:
	case err = <-failed:
		os.Stderr.WriteString("http: serve: " + err.Error() + "\n")
		rigreport.Done(1)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	if h2c {
		rigreport.Uint("h2c", 1, "bool")
	} else {
		rigreport.Uint("h2c", 0, "bool")
	}
	report()
	rigreport.Done(0)
}
