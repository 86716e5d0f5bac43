// service: a service workload (rig:service) in the seed's shape: gin for
// HTTP, gRPC, and Prometheus metrics, from real modules pinned in this
// directory's own go.mod and go.sum (fetched through the Go module proxy).
//
//	GET  /plaintext          "Hello, World!"               (gin)
//	GET  /json               {"message":"Hello, World!"}   (gin, encoded per request)
//	GET  /metrics            Prometheus text format: the Go collector
//	                         (go_gc_duration_seconds, go_memstats_*) and
//	                         rig_service_requests_total by route
//	POST /rig.Svc/Hash       gRPC unary (h2c): google.protobuf.BytesValue in,
//	                         its SHA-256 as BytesValue out; an empty value is
//	                         answered with status INVALID_ARGUMENT (3), the
//	                         failing case rig load's tests use
//
// One port ($RIG_LISTEN, default 127.0.0.1:8080) serves both: a connection
// that opens with the HTTP/2 preface ("PRI * HTTP/2.0") goes to grpc-go's
// own server, any other to gin's net/http server (mux.go). It prints rig's
// ready line once the socket listens; on SIGTERM or SIGINT it stops both
// servers (in-flight requests finish, 2 s at most), prints its served count
// and GC figures as result lines, then done 0.
//
// Compilers whose Go is older than this go.mod's (gccgo 12 and Gollvm are Go
// 1.18, TinyGo needs Go <= 1.23 and has no full net/http) cannot build it:
// rig records their own message as the row's skip.
package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc"

	"rigworkloads/rigreport"
)

func main() {
	addr := os.Getenv("RIG_LISTEN")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		os.Stderr.WriteString("service: listen " + addr + ": " + err.Error() + "\n")
		os.Exit(1)
	}
	gin.SetMode(gin.ReleaseMode)
	srv := &http.Server{Handler: newRouter(), ReadHeaderTimeout: 10 * time.Second}
	gs := grpc.NewServer()
	registerHash(gs)
	m := newMux(ln)
	failed := make(chan error, 3)
	go func() { failed <- srv.Serve(m.h1) }()
	go func() { failed <- gs.Serve(m.h2) }()
	go func() { failed <- m.run() }()
	rigreport.Ready()
	select {
	case <-stop:
	case err = <-failed:
		os.Stderr.WriteString("service: serve: " + err.Error() + "\n")
		rigreport.Done(1)
		os.Exit(1)
	}
	m.close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	done := make(chan struct{})
	go func() { gs.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		gs.Stop()
	}
	report()
	rigreport.Done(0)
}
