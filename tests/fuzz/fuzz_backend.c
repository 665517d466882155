/* libFuzzer harness: the backend's JSON answer reader, and the URL built
 * from the same bytes taken as a client's vendor and user classes.  An
 * answer accepted must hold what a [rule] could: a printable boot name
 * that fits option 67. */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	struct backend_client bc = { .mac = mac, .mac_len = 6,
				     .ifname = "eth0" };
	struct backend_answer a;
	char err[256], url[BACKEND_URL_MAX];

	if (backend_answer_parse((const char *)data, size, &a, err,
				 sizeof(err)) == 0) {
		if (a.action == RULE_NONE || a.action == RULE_RPI)
			abort();
		if (a.action != RULE_IGNORE &&
		    (!a.boot[0] || config_check_boot(a.boot, err,
						     sizeof(err)) < 0))
			abort();
	}
	bc.vendor = data;
	bc.vendor_len = size;
	bc.user_class = data;
	bc.user_class_len = size;
	if (backend_url_expand("http://i/${vendor-class}/${user-class}", &bc,
			       url, sizeof(url)) == 0 &&
	    strcspn(url, " \"<>\\^`{|}\x7f") != strlen(url))
		abort();        /* an encoded value has no such characters */
	return 0;
}
