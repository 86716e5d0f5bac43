package main

import (
	"bufio"
	"errors"
	"net"
	"sync"
)

// mux splits one listener in two by the first bytes of each connection:
// HTTP/2 with prior knowledge (the client preface starts "PRI ", RFC 9113
// section 3.4) to gRPC, anything else to HTTP/1.1. The peek happens on the
// connection's own goroutine, so a slow client never holds up accept.
type mux struct {
	ln     net.Listener
	h1, h2 *chanListener
}

func newMux(ln net.Listener) *mux {
	return &mux{ln: ln, h1: newChanListener(ln.Addr()), h2: newChanListener(ln.Addr())}
}

// run accepts until the listener is closed; nil after close().
func (m *mux) run() error {
	for {
		c, err := m.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go m.route(c)
	}
}

func (m *mux) route(c net.Conn) {
	br := bufio.NewReader(c)
	head, err := br.Peek(4)
	if err != nil {
		c.Close()
		return
	}
	pc := &peekedConn{Conn: c, r: br}
	if string(head) == "PRI " {
		m.h2.push(pc)
	} else {
		m.h1.push(pc)
	}
}

func (m *mux) close() {
	m.ln.Close()
	m.h1.Close()
	m.h2.Close()
}

// peekedConn reads first what the peek buffered.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// chanListener is a net.Listener fed by mux.route.
type chanListener struct {
	addr   net.Addr
	ch     chan net.Conn
	done   chan struct{}
	closed sync.Once
}

func newChanListener(a net.Addr) *chanListener {
	return &chanListener{addr: a, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) push(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.closed.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
