# tests/e2e/uki.sh: builds a Unified Kernel Image (POSIX sh, sourced).
#
#   uki_build STUB OBJCOPY OBJDUMP KERNEL INITRD CMDLINE OUT
#
# A UKI is systemd-boot-efi's stub with the kernel, the initrd and the
# command line as PE sections (objcopy): the firmware loads one EFI file
# and Linux starts, no boot loader in between.  The sections go after the
# stub's last one, each at the next multiple of the stub's section
# alignment (the PE loader maps them where their virtual addresses say);
# the kernel last, since it may need more memory than its file holds.
# Returns non-zero, with a message on stderr, when a step fails.
uki_build() {
	# uk_*: sh has no local variables, and callers' are named alike.
	uk_stub=$1 uk_ocp=$2 uk_odump=$3 uk_kernel=$4 uk_initrd=$5 uk_out=$7
	uk_cmd=$uk_out.cmdline
	printf '%s' "$6" >"$uk_cmd" || return 1
	uk_align=$(($("$uk_odump" -p "$uk_stub" | awk '$1 == "SectionAlignment" { print "0x" $2 }')))
	if [ "$uk_align" -le 0 ]; then
		echo "uki_build: $uk_stub: no section alignment" >&2
		return 1
	fi
	uk_end=0
	# Each section's size and virtual address, in hex.
	# shellcheck disable=SC2046
	set -- $("$uk_odump" -h "$uk_stub" | awk 'NF == 7 && $1 ~ /^[0-9]+$/ { print $3, $4 }')
	while [ $# -ge 2 ]; do
		uk_e=$((0x$1 + 0x$2))
		[ "$uk_e" -gt "$uk_end" ] && uk_end=$uk_e
		shift 2
	done
	uk_next=$(((uk_end + uk_align - 1) / uk_align * uk_align))
	uk_args=
	for uk_s in cmdline:"$uk_cmd" initrd:"$uk_initrd" linux:"$uk_kernel"; do
		uk_name=${uk_s%%:*} uk_file=${uk_s#*:}
		uk_args="$uk_args --add-section .$uk_name=$uk_file"
		uk_args="$uk_args --change-section-vma .$uk_name=$(printf 0x%x "$uk_next")"
		uk_size=$(stat -Lc %s "$uk_file")
		uk_next=$(((uk_next + uk_size + uk_align - 1) / uk_align * uk_align))
	done
	# shellcheck disable=SC2086
	"$uk_ocp" $uk_args "$uk_stub" "$uk_out" || {
		echo "uki_build: objcopy failed for $uk_out" >&2
		return 1
	}
	rm -f "$uk_cmd"
}
