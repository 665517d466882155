/* libFuzzer harness: the config parser and its printer (what it prints
 * must parse again). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], *text, *out = NULL;
	struct config *c, *d;
	size_t outlen = 0;
	FILE *f;

	if (size > 64 * 1024 || memchr(data, 0, size))
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	c = config_parse("fuzz.conf", text, err, sizeof(err));
	free(text);
	if (!c)
		return 0;
	f = open_memstream(&out, &outlen);
	config_print(c, f);
	fclose(f);
	d = config_parse("printed", out, err, sizeof(err));
	if (!d)
		__builtin_trap();       /* printed config must read back */
	free(out);
	config_free(c);
	config_free(d);
	return 0;
}
