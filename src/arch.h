/* Client system architectures (DHCP option 93, RFC 4578 and IANA's
 * "Processor Architecture Types" registry). */
#ifndef PXE_ARCH_H
#define PXE_ARCH_H

#include <stddef.h>

/* The registry ends at 41 today; room to grow without a table change. */
#define ARCH_CODES 64

const char *arch_name(unsigned code);

/* Parse a name ("bios", "x64-efi", "arm64-efi-http"...) or a decimal code
 * into the codes it stands for ("x64-efi" is both 7 and 9, as firmware
 * uses either).  Returns how many codes, 0 when unknown. */
size_t arch_parse(const char *s, unsigned *codes, size_t max);


#endif
