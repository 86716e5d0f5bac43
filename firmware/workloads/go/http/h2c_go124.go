//go:build go1.24 && !gccgo

package main

import "net/http"

// enableH2C: Go 1.24+ serves HTTP/2 over cleartext TCP with prior knowledge
// (h2c, RFC 9113 section 3.3) from the same listener as HTTP/1.1
// (http.Server.Protocols, UnencryptedHTTP2). rig load --h2c and h2load use
// it. Older Go (gccgo 12 is Go 1.18) has no h2c server in the standard
// library: see h2c_old.go.
func enableH2C(srv *http.Server) bool {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv.Protocols = &p
	return true
}
