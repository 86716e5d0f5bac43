/* A server under load on a WASI board: see wasi_serve.c. */
#ifndef RIG_WASI_SERVE_H
#define RIG_WASI_SERVE_H

/* NULL when runtime rt (enum wasi_rt) can pass a preview-1 module a
 * listening socket; else why not, for the sample's failure reason. */
const char *rig_wasi_serve_refusal(int rt);

/* Sends GET /rig/stop to the server at listen (IPv4 host:port) and reads
 * its status line, waiting up to timeout_ms for it. 0 on a 2xx answer,
 * -1 otherwise (no connection, no answer, another status). */
int rig_wasi_serve_stop(const char *listen, int timeout_ms);

#endif
