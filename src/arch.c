/* Names for client architectures, so that the config reads "x64-efi"
 * rather than "7".  Codes from IANA's Processor Architecture Types. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "util.h"

static const struct {
	unsigned code;
	const char *name;
	int http;
} arch_table[] = {
	{ 0, "bios", 0 },
	{ 1, "pc98", 0 },
	{ 2, "ia64-efi", 0 },
	{ 3, "alpha", 0 },
	{ 4, "arc-x86", 0 },
	{ 5, "intel-lean", 0 },
	{ 6, "ia32-efi", 0 },
	{ 7, "x64-efi", 0 },
	{ 8, "xscale-efi", 0 },
	/* RFC 4578 listed 9 as EFI BC; x86-64 firmware sends 9 as well as 7
	 * (the registry's errata), so both map to x64 by default. */
	{ 9, "x64-efi-bc", 0 },
	{ 10, "arm32-efi", 0 },
	{ 11, "arm64-efi", 0 },
	{ 12, "ppc-openfirmware", 0 },
	{ 13, "ppc-epapr", 0 },
	{ 14, "power-opal", 0 },
	{ 15, "ia32-efi-http", 1 },
	{ 16, "x64-efi-http", 1 },
	{ 17, "ebc-efi-http", 1 },
	{ 18, "arm32-efi-http", 1 },
	{ 19, "arm64-efi-http", 1 },
	{ 20, "bios-http", 1 },
	{ 21, "arm32-uboot", 0 },
	{ 22, "arm64-uboot", 0 },
	{ 23, "arm32-uboot-http", 1 },
	{ 24, "arm64-uboot-http", 1 },
	{ 25, "riscv32-efi", 0 },
	{ 26, "riscv32-efi-http", 1 },
	{ 27, "riscv64-efi", 0 },
	{ 28, "riscv64-efi-http", 1 },
	{ 29, "riscv128-efi", 0 },
	{ 30, "riscv128-efi-http", 1 },
	{ 31, "s390-basic", 0 },
	{ 32, "s390-extended", 0 },
	{ 33, "mips32-efi", 0 },
	{ 34, "mips64-efi", 0 },
	{ 35, "sunway32-efi", 0 },
	{ 36, "sunway64-efi", 0 },
	{ 37, "loongarch32-efi", 0 },
	{ 38, "loongarch32-efi-http", 1 },
	{ 39, "loongarch64-efi", 0 },
	{ 40, "loongarch64-efi-http", 1 },
	{ 41, "arm-rpiboot", 0 },
};

const char *arch_name(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].code == code)
			return arch_table[i].name;
	return "unknown";
}

int arch_is_http(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].code == code)
			return arch_table[i].http;
	return 0;
}

size_t arch_parse(const char *s, unsigned *codes, size_t max)
{
	long long v;

	if (max < 2)
		return 0;
	if (strcmp(s, "x64-efi") == 0) {
		codes[0] = 7;
		codes[1] = 9;
		return 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(arch_table); i++) {
		if (strcmp(s, arch_table[i].name) == 0) {
			codes[0] = arch_table[i].code;
			return 1;
		}
	}
	if (parse_num(s, 0, ARCH_CODES - 1, &v) == 0) {
		codes[0] = (unsigned)v;
		return 1;
	}
	return 0;
}
