/* A tiny unit-test runner: CHECK() counts and reports, check_done()
 * prints the tally and gives the exit status. */
#ifndef PXE_CHECK_H
#define PXE_CHECK_H

#include <stdio.h>

static unsigned check_run, check_failed;

#define CHECK(cond)                                                     \
	do {                                                            \
		check_run++;                                            \
		if (!(cond)) {                                          \
			check_failed++;                                 \
			fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, \
				__LINE__, #cond);                       \
		}                                                       \
	} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_run, check_failed);
	return check_failed ? 1 : 0;
}

#endif
