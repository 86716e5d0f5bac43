/*
 * Prepared agent uploads: an artifact cut into PUT_DATA chunks with each
 * chunk's BLAKE2b-256 and the upload digest (firmware/protocol/rig_frame.h)
 * computed once, so sending it to 64 boards costs one hash pass on the
 * controller, not 64 (the per-session tags then cover 48 bytes per frame).
 * A prepared upload is read-only: any number of threads may send it at once.
 */
#ifndef RIG_AGENT_UPLOAD_H
#define RIG_AGENT_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct rig_agent_upload {
	const uint8_t *data; /* the bytes (owned when loaded from a file) */
	size_t len;
	size_t n_chunks;	     /* PUT_DATA frames: ceil(len / RIG_FRAME_MAX_CHUNK) */
	uint8_t (*chunk_digest)[32]; /* BLAKE2b-256 of each PUT_DATA payload */
	uint8_t digest[32];	     /* the upload digest PUT_BEGIN carries */
	/* private */
	void *owned;
	char *key; /* the cache's key (path, size, mtime, inode), when cached */
	unsigned refs;
};

/* Prepares data[0..len) (borrowed: it must outlive the upload). Returns 0. */
int rig_agent_upload_prepare(const void *data, size_t len, struct rig_agent_upload **out,
			     struct rig_error *err);
/* Reads and prepares a file. RIG_ERR_NOT_FOUND / RIG_ERR_IO naming it. */
int rig_agent_upload_load(const char *path, struct rig_agent_upload **out, struct rig_error *err);
/* Frees an upload from prepare or load. NULL is fine. */
void rig_agent_upload_free(struct rig_agent_upload *up);

/* Chunk i: returns its byte count and sets *off to its file offset. */
size_t rig_agent_upload_chunk(const struct rig_agent_upload *up, size_t i, size_t *off);

/*
 * The process-wide cache the bench's board workers share: the same file
 * (same path, size, mtime and inode) is read and hashed once however many
 * boards it is deployed to, concurrently or not. Returns a reference to
 * give back with rig_agent_upload_release(). Thread-safe; keeps the last
 * few files after their last release.
 */
int rig_agent_upload_cached(const char *path, struct rig_agent_upload **out, struct rig_error *err);
void rig_agent_upload_release(struct rig_agent_upload *up);
/* Files read and hashed by the cache so far (for tests and logs). */
unsigned long rig_agent_upload_cache_loads(void);

#endif
