/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the PeeringDB `net` reader, input = the bytes of a file
 * in the API's JSON shape ({"data": [net, ...]}), handed over through a
 * memfd as the reader takes a path.  What loads must be sorted and unique
 * by ASN, found by pdb_lookup, and survive the on-disk cache unchanged:
 * written by pdb_save and read back, it must give the same records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asn.h"
#include "log.h"
#include "peeringdb.h"

static char cache_dir[64];           /* where the cache round trip writes */
static char cache_file[96];

static void cache_remove(void)
{
	unlink(cache_file);
	rmdir(cache_dir);
}

static void cache_init(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(cache_dir, sizeof(cache_dir), "%s/fuzz_peeringdb.XXXXXX",
	    tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(cache_dir) == NULL) {
		perror(cache_dir);
		abort();
	}
	snprintf(cache_file, sizeof(cache_file), "%s/net.json", cache_dir);
	atexit(cache_remove);
}

static bool same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static bool same_net(const struct pdb_net *a, const struct pdb_net *b)
{
	if (a->asn != b->asn || a->info_prefixes4 != b->info_prefixes4 ||
	    a->info_prefixes6 != b->info_prefixes6 ||
	    a->never_via_route_servers != b->never_via_route_servers ||
	    !same_str(a->irr_as_set, b->irr_as_set) || a->as_sets.n != b->as_sets.n)
		return false;
	for (int i = 0; i < a->as_sets.n; i++)
		if (strcmp(a->as_sets.v[i], b->as_sets.v[i]) != 0)
			return false;
	return true;
}

static void check(const struct pdb *db)
{
	for (size_t i = 0; i < db->n; i++) {
		const struct pdb_net *n = &db->nets[i];
		if (n->asn == 0 || (i > 0 && n[-1].asn >= n->asn) || pdb_lookup(db, n->asn) != n)
			abort();
	}
	struct asn_set never = { 0 };
	pdb_never_via_rs(db, &never);
	for (size_t i = 0; i < db->n; i++)
		if (asn_set_has(&never, db->nets[i].asn) != db->nets[i].never_via_route_servers)
			abort();
	asn_set_free(&never);

	char err[256];
	if (pdb_save(db, cache_file, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_peeringdb: %s\n", err);
		abort();
	}
	struct pdb *back = pdb_load_file(cache_file, err, sizeof(err));
	if (back == NULL || back->n != db->n || back->skipped != 0)
		abort();
	for (size_t i = 0; i < db->n; i++)
		if (!same_net(&db->nets[i], &back->nets[i]))
			abort();
	pdb_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (cache_dir[0] == '\0') {
		log_set_level(LOG_LVL_ERR);
		cache_init();
	}
	int fd = memfd_create("peeringdb", 0);
	char path[64], err[256];
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct pdb *db = pdb_load_file(path, err, sizeof(err));
	if (db != NULL)
		check(db);
	pdb_free(db);
	close(fd);
	return 0;
}
