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
} arch_table[] = {
	{ 0, "bios" },
	{ 1, "pc98" },
	{ 2, "ia64-efi" },
	{ 3, "alpha" },
	{ 4, "arc-x86" },
	{ 5, "intel-lean" },
	{ 6, "ia32-efi" },
	{ 7, "x64-efi" },
	{ 8, "xscale-efi" },
	/* RFC 4578 listed 9 as EFI BC; x86-64 firmware sends 9 as well as 7
	 * (the registry's errata), so both map to x64 by default. */
	{ 9, "x64-efi-bc" },
	{ 10, "arm32-efi" },
	{ 11, "arm64-efi" },
	{ 12, "ppc-openfirmware" },
	{ 13, "ppc-epapr" },
	{ 14, "power-opal" },
	{ 15, "ia32-efi-http" },
	{ 16, "x64-efi-http" },
	{ 17, "ebc-efi-http" },
	{ 18, "arm32-efi-http" },
	{ 19, "arm64-efi-http" },
	{ 20, "bios-http" },
	{ 21, "arm32-uboot" },
	{ 22, "arm64-uboot" },
	{ 23, "arm32-uboot-http" },
	{ 24, "arm64-uboot-http" },
	{ 25, "riscv32-efi" },
	{ 26, "riscv32-efi-http" },
	{ 27, "riscv64-efi" },
	{ 28, "riscv64-efi-http" },
	{ 29, "riscv128-efi" },
	{ 30, "riscv128-efi-http" },
	{ 31, "s390-basic" },
	{ 32, "s390-extended" },
	{ 33, "mips32-efi" },
	{ 34, "mips64-efi" },
	{ 35, "sunway32-efi" },
	{ 36, "sunway64-efi" },
	{ 37, "loongarch32-efi" },
	{ 38, "loongarch32-efi-http" },
	{ 39, "loongarch64-efi" },
	{ 40, "loongarch64-efi-http" },
	{ 41, "arm-rpiboot" },
};

const char *arch_name(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].code == code)
			return arch_table[i].name;
	return "unknown";
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
