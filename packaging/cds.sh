#!/bin/sh
# Makes the class-data-sharing archive of this installation (lib/ctguard.jsa) from the class list recorded
# at build time (lib/classlist), and the stamp the launcher compares before using it. Run after installing
# or moving the bundle (the packages and the role do); safe to rerun. Usage: lib/cds.sh
set -e
self=$(readlink -f "$0")
home=${self%/lib/*}
jar=$home/lib/ctguard.jar
jsa=$home/lib/ctguard.jsa
tmp=$jsa.new.$$
trap 'rm -f "$tmp"' EXIT
"$home/runtime/bin/java" -XX:+UseSerialGC -XX:-UsePerfData -Xshare:dump -XX:SharedClassListFile="$home/lib/classlist" \
    -XX:SharedArchiveFile="$tmp" -cp "$jar" >/dev/null 2>&1
mv -f "$tmp" "$jsa"
stat -L -c '%n %s %Y' "$jar" "$home/runtime/lib/modules" > "$jsa.stamp"
