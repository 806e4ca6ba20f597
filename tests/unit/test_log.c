/* SPDX-License-Identifier: ISC */
/* test_log: rate-limited log lines (a flood must not flood the log). */
#include "testlib.h"

#include "log.h"

TEST(a_flood_of_one_kind_of_line_is_cut_to_a_burst_per_window)
{
	struct log_limit l = { 0 };
	log_set_level(LOG_LVL_ERR);
	uint64_t t = 1000000;
	int allowed = 0;
	for (int i = 0; i < 1000; i++)
		allowed += log_allowed(&l, t + (uint64_t)i);
	CHECK_EQ_INT(allowed, LOG_LIMIT_BURST);
	CHECK_EQ_INT(l.suppressed, 1000 - LOG_LIMIT_BURST);
	CHECK(log_allowed(&l, t + LOG_LIMIT_WINDOW_MS + 1));     /* the next window */
	CHECK_EQ_INT(l.suppressed, 0);
}
