# tests/e2e/cache.sh: what the lab's builders (mkboot.sh, mkboot-sb.sh,
# mkuki.sh, mklive.sh) share, sourced by them.
#
#   cache_reuse NAME LOCK OUT   takes LOCK on fd 9, held until the builder
#                               exits (tests run in parallel: one builds,
#                               the others wait, then reuse), sets want to
#                               the builder's stamp() and exits 0 when
#                               OUT/stamp says OUT was built from it
#   cache_publish NEW OUT       makes the finished build NEW readable by
#                               the daemon's user, stamps it with want and
#                               puts it in OUT's place
#   init_head TEXT              the first lines of a lab system's /init
#                               (busybox; TEXT is its comment): the
#                               kernel announced on the console, the
#                               network modules loaded, eth0 up

cache_reuse() {
	exec 9>"$2"
	flock 9
	want=$(stamp)
	if [ -f "$3/stamp" ] && [ "$(cat "$3/stamp")" = "$want" ]; then
		echo "$1: $3 is up to date"
		exit 0
	fi
}

cache_publish() {
	chmod -R u=rwX,go=rX "$1"
	echo "$want" >"$1/stamp"
	rm -rf "$2.old"
	[ -d "$2" ] && mv "$2" "$2.old"
	mv "$1" "$2"
	rm -rf "$2.old"
}

init_head() {
	printf '#!/bin/busybox sh\n# %s\n' "$1"
	cat <<'EOF'
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "E2E-KERNEL arch=$(uname -m) kernel=$(uname -r)"
while read -r m; do insmod "/modules/$m" 2>/dev/null; done </modules/load.list
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
ip link set lo up
ip link set eth0 up
EOF
}
