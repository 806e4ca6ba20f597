/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the RPSL dump reader and AS-SET expansion, input = a
 * dump file's bytes (handed over through a memfd, as the reader takes a
 * path). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "irr.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("rpsl", 0);
	char path[64], err[256];
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	log_set_level(LOG_LVL_ERR);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct irr_db *db = irr_db_new();
	if (irr_db_load_file(db, path, NULL, err, sizeof(err)) == 0) {
		const char *names[] = { "AS-FUZZ", "AS64500", "AS-A:AS-B" };
		struct irr_member *m = irr_db_expand(db, names, 3, 0, err, sizeof(err));
		if (m) {
			struct prefix p;
			prefix_parse("193.0.0.0/21", &p);
			(void)irr_check(m, &p, 64500, true);
			irr_member_free(m);
		}
	}
	irr_db_free(db);
	close(fd);
	return 0;
}
