package main

import (
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var served uint64

var requests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "rig_service_requests_total",
	Help: "Requests served, by route.",
}, []string{"route"})

type message struct {
	Message string `json:"message"`
}

// newRouter: gin's engine with the TechEmpower endpoints and /metrics. The
// registry is the service's own (not the global default) with the Go
// runtime and process collectors, so /metrics has go_gc_duration_seconds
// and go_memstats_* for rig to scrape during load.
func newRouter() *gin.Engine {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), requests)
	plain := requests.WithLabelValues("/plaintext")
	js := requests.WithLabelValues("/json")
	r := gin.New()
	r.GET("/plaintext", func(c *gin.Context) {
		atomic.AddUint64(&served, 1)
		plain.Inc()
		c.Header("Server", "rig-go-service")
		c.Data(http.StatusOK, "text/plain", []byte("Hello, World!"))
	})
	r.GET("/json", func(c *gin.Context) {
		atomic.AddUint64(&served, 1)
		js.Inc()
		c.Header("Server", "rig-go-service")
		c.JSON(http.StatusOK, message{Message: "Hello, World!"})
	})
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	return r
}
