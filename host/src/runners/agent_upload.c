/* Prepared agent uploads and their shared cache: see agent_upload.h. */
#include "agent_upload.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rig_frame.h"
#include "util.h"

#define CACHE_SLOTS 8
#define CACHE_KEEP_BYTES (64u << 20) /* kept after the last release, in all */

size_t rig_agent_upload_chunk(const struct rig_agent_upload *up, size_t i, size_t *off)
{
	size_t o = i * RIG_FRAME_MAX_CHUNK;

	*off = o;
	return up->len - o < RIG_FRAME_MAX_CHUNK ? up->len - o : RIG_FRAME_MAX_CHUNK;
}

int rig_agent_upload_prepare(const void *data, size_t len, struct rig_agent_upload **out,
			     struct rig_error *err)
{
	struct rig_agent_upload *up;
	crypto_generichash_state all;
	uint8_t be[8];

	if (sodium_init() < 0) /* picks the fastest BLAKE2b for this CPU */
		return rig_fail(err, RIG_ERR_IO, "libsodium failed to initialise");
	up = rig_xcalloc(1, sizeof(*up));
	up->data = data;
	up->len = len;
	up->n_chunks = (len + RIG_FRAME_MAX_CHUNK - 1) / RIG_FRAME_MAX_CHUNK;
	up->chunk_digest = rig_xcalloc(up->n_chunks ? up->n_chunks : 1, 32);
	for (int k = 0; k < 8; k++)
		be[k] = (uint8_t)((uint64_t)len >> (56 - 8 * k));
	crypto_generichash_init(&all, NULL, 0, 32);
	crypto_generichash_update(&all, (const uint8_t *)RIG_FRAME_PUT_LABEL,
				  sizeof(RIG_FRAME_PUT_LABEL) - 1);
	crypto_generichash_update(&all, be, sizeof(be));
	for (size_t i = 0; i < up->n_chunks; i++) {
		/* the PUT_DATA payload: u64 offset, then the bytes */
		crypto_generichash_state st;
		size_t off, n = rig_agent_upload_chunk(up, i, &off);
		uint8_t ob[8];

		for (int k = 0; k < 8; k++)
			ob[k] = (uint8_t)((uint64_t)off >> (56 - 8 * k));
		crypto_generichash_init(&st, NULL, 0, 32);
		crypto_generichash_update(&st, ob, sizeof(ob));
		crypto_generichash_update(&st, up->data + off, n);
		crypto_generichash_final(&st, up->chunk_digest[i], 32);
		crypto_generichash_update(&all, up->chunk_digest[i], 32);
	}
	crypto_generichash_final(&all, up->digest, 32);
	*out = up;
	return 0;
}

int rig_agent_upload_load(const char *path, struct rig_agent_upload **out, struct rig_error *err)
{
	char *data;
	size_t len;
	int rc = rig_read_file(path, &data, &len, err);

	if (rc)
		return rc;
	if ((rc = rig_agent_upload_prepare(data, len, out, err))) {
		free(data);
		return rc;
	}
	(*out)->owned = data;
	return 0;
}

void rig_agent_upload_free(struct rig_agent_upload *up)
{
	if (!up)
		return;
	free(up->chunk_digest);
	free(up->owned);
	free(up->key);
	free(up);
}

/* ---- the shared cache ---- */

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rig_agent_upload *cache[CACHE_SLOTS];
static unsigned long cache_loads;

/* Bytes kept by entries nobody holds. Under cache_mu. */
static size_t idle_bytes(void)
{
	size_t n = 0;

	for (int i = 0; i < CACHE_SLOTS; i++)
		if (cache[i] && cache[i]->refs == 0)
			n += cache[i]->len;
	return n;
}

static void evict(int i)
{
	rig_agent_upload_free(cache[i]);
	cache[i] = NULL;
}

int rig_agent_upload_cached(const char *path, struct rig_agent_upload **out, struct rig_error *err)
{
	struct stat sb;
	char key[4200];
	int free_slot = -1, rc;

	if (stat(path, &sb))
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	snprintf(key, sizeof(key), "%s|%lld|%lld.%09ld|%llu", path, (long long)sb.st_size,
		 (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (unsigned long long)sb.st_ino);
	/* Loading under the lock is deliberate: 64 workers asking for the same
	 * artifact at once wait for the one that hashes it. */
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i] && strcmp(cache[i]->key, key) == 0) {
			cache[i]->refs++;
			*out = cache[i];
			pthread_mutex_unlock(&cache_mu);
			return 0;
		}
	}
	if ((rc = rig_agent_upload_load(path, out, err))) {
		pthread_mutex_unlock(&cache_mu);
		return rc;
	}
	cache_loads++;
	(*out)->key = rig_xstrdup(key);
	(*out)->refs = 1;
	for (int i = 0; i < CACHE_SLOTS && free_slot < 0; i++)
		if (!cache[i])
			free_slot = i;
	for (int i = 0; i < CACHE_SLOTS && free_slot < 0; i++)
		if (cache[i]->refs == 0) {
			evict(i);
			free_slot = i;
		}
	if (free_slot >= 0)
		cache[free_slot] = *out;
	else { /* all slots busy: not cached, freed at its release */
		free((*out)->key);
		(*out)->key = NULL;
	}
	pthread_mutex_unlock(&cache_mu);
	return 0;
}

void rig_agent_upload_release(struct rig_agent_upload *up)
{
	int cached = 0;

	if (!up)
		return;
	pthread_mutex_lock(&cache_mu);
	up->refs--;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i] != up)
			continue;
		cached = 1;
		if (up->refs == 0 && idle_bytes() > CACHE_KEEP_BYTES)
			evict(i);
	}
	if (!cached && up->refs == 0)
		rig_agent_upload_free(up);
	pthread_mutex_unlock(&cache_mu);
}

unsigned long rig_agent_upload_cache_loads(void)
{
	unsigned long n;

	pthread_mutex_lock(&cache_mu);
	n = cache_loads;
	pthread_mutex_unlock(&cache_mu);
	return n;
}
