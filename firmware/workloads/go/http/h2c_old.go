//go:build !go1.24 || gccgo

package main

import "net/http"

// enableH2C: before Go 1.24 the standard library has no h2c server
// (golang.org/x/net/http2/h2c is a module rig does not fetch): HTTP/1.1 only;
// gccgo and Gollvm (the go command reports its own release tags, not
// their library's) take this file too. The server reports h2c 0 and an h2c load gets read errors.
func enableH2C(srv *http.Server) bool { return false }
