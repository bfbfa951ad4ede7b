#!/usr/bin/env bash
# make dist-test: the bundle and packages in dist/ (make dist) as a node gets them, checked for real:
#  - the tarball holds the launcher, the jar, the runtime, the class list, the man page and completion;
#  - the bundle runs check, status with a config file, and fleet over real SSH (scripts/sshd-hosts.sh) with
#    no system Java visible (/usr/lib/jvm under an empty tmpfs in a private mount namespace);
#  - the launcher uses the start-up archive that matches, ignores one that does not (another jar), and
#    lib/cds.sh makes a matching one again;
#  - the .deb installs and removes with dpkg into a temporary root (its postinst makes the archive, its
#    prerm removes it); the .rpm lists the right files and installs into a temporary rpm root.
# Reads fixture trees through --root; the real kernel is only read (fleet's hosts are namespaces).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("ctguard-version.properties").decode())' "$ROOT/java-agent/target/ctguard.jar" | sed -n 's/^version=//p')
NAME=conntrack-guard-$VERSION-linux-x86_64
DIST=$ROOT/dist
T=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-dist-test.XXXXXX")
cleanup() { "$ROOT/scripts/sshd-hosts.sh" down "$T/hosts" >/dev/null 2>&1 || true; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "dist-test: FAIL: $*" >&2; exit 1; }
ok() { echo "dist-test: ok: $*"; }

# --- the tarball -------------------------------------------------------------------------------------
(cd "$DIST" && sha256sum -c --quiet "$NAME.tar.gz.sha256") || fail "checksum of $NAME.tar.gz"
listing=$(tar -tzf "$DIST/$NAME.tar.gz")
for f in bin/ctguard lib/ctguard.jar lib/classlist lib/cds.sh runtime/bin/java runtime/release LICENSE \
         share/man/man1/ctguard.1.gz share/bash-completion/completions/ctguard; do
    grep -qx "$NAME/$f" <<< "$listing" || fail "$f is not in the tarball"
done
modules=$(tar -xzOf "$DIST/$NAME.tar.gz" "$NAME/runtime/release" | sed -n 's/^MODULES="\(.*\)"/\1/p')
[[ " $modules " == *" java.base "*" jdk.crypto.ec "* && " $modules " != *" java.desktop "* ]] || fail "runtime modules: $modules"
zcat < <(tar -xzOf "$DIST/$NAME.tar.gz" "$NAME/share/man/man1/ctguard.1.gz") | grep -q '^\.SS ctguard fleet' || fail "man page lacks fleet"
ok "tarball: launcher, jar, runtime ($modules), class list, man page, completion"

tar -xzf "$DIST/$NAME.tar.gz" -C "$T"
B=$T/$NAME
cp -a "$ROOT/java-agent/src/test/resources/fixtures/linux-6.18" "$T/node"
: > "$T/kernel.log"
printf 'check:\n  warn-fill: 70%%\n' > "$T/ctguard.yml"
"$B/lib/cds.sh"

# no_java CMD...: runs CMD where no Java but the bundle's can be found
no_java() {
    unshare --mount --propagation private sh -c 'mount -t tmpfs none /usr/lib/jvm && ! command -v java >/dev/null && exec "$@"' sh "$@"
}
rc=0; out=$(no_java "$B/bin/ctguard" check --root "$T/node" --kernel-log "$T/kernel.log" --config "$T/ctguard.yml") || rc=$?
[[ $rc -le 3 && $out == CONNTRACK* ]] || fail "check without system Java: rc $rc: $out"
no_java "$B/bin/ctguard" status --json --root "$T/node" | grep -q '"schema":"ctguard/v1"' || fail "status --json without system Java"
[[ $(no_java "$B/bin/ctguard" --version) == "ctguard $VERSION"* ]] || fail "--version"
ok "the bundle runs check (with a config file), status and --version with no system Java"

# guard through the launcher: its SIGTERM handler needs jdk.unsupported in the runtime (a bundle without it could
# not even start: picocli reflects over every command), and SIGTERM ends it with its end line and exit 0
"$B/bin/ctguard" guard --duration 30s --interval 200ms --root "$T/node" > "$T/guard.out" 2> "$T/guard.err" &
guard=$!
for _ in $(seq 1 50); do grep -q '"event":"start"' "$T/guard.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$guard"
guard_rc=0; wait "$guard" || guard_rc=$?
[[ $guard_rc == 0 ]] && tail -n 1 "$T/guard.out" | grep -q '"event":"end".*"stopped":true' \
    || fail "guard through the bundle: rc $guard_rc: $(tail -n 2 "$T/guard.out") $(cat "$T/guard.err")"
grep -q -- '-Xmx32m' "$B/bin/ctguard" || fail "the launcher does not cap guard's heap"
ok "the bundle runs guard; SIGTERM ends it with its end line and exit 0"

# fleet over real SSH exercises the crypto modules (X25519, Ed25519, AES-GCM) the runtime must hold
"$ROOT/scripts/sshd-hosts.sh" up "$T/hosts" 1 > /dev/null
rc=0; out=$(no_java "$B/bin/ctguard" fleet -i "$T/hosts/inventory.yml" --known-hosts "$T/hosts/known_hosts" --json) || rc=$?
python3 - "$out" <<'PY' || fail "fleet through the bundle (rc $rc): $out"
import json, sys
report = json.loads(sys.argv[1])
hosts = report['hosts']
assert len(hosts) == 1 and 'error' not in hosts[0] and hosts[0]['verdict']['status'] in ('OK', 'WARNING', 'CRITICAL'), hosts
PY
ok "fleet over SSH through the bundle, no system Java"

# the archive: used when it matches, ignored when the jar changed, made again by cds.sh
loaded_from() {
    CTGUARD_JAVA_OPTS="-Xlog:class+load=info:file=$T/load.log" "$B/bin/ctguard" status --root "$T/node" > /dev/null
    sed -n 's/.* ctguard\.cli\.Main source: \(.*\)/\1/p' "$T/load.log"
}
[[ $(loaded_from) == "shared objects file" ]] || fail "the matching archive is not used: $(loaded_from)"
touch -d '2001-01-01' "$B/lib/ctguard.jar"
[[ $(loaded_from) == file:* ]] || fail "an archive of another jar is used: $(loaded_from)"
"$B/lib/cds.sh"
[[ $(loaded_from) == "shared objects file" ]] || fail "cds.sh did not make a matching archive"
ok "start-up archive: used when it matches, ignored when the jar changed, remade by lib/cds.sh"

# --- the Debian package, installed and removed in a temporary root -------------------------------------
DEB=$DIST/conntrack-guard_${VERSION}_amd64.deb
dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ' | grep -q "Package: conntrack-guard Version: $VERSION Architecture: amd64" \
    || fail "deb control: $(dpkg-deb -f "$DEB")"
contents=$(dpkg-deb -c "$DEB")
for f in ./opt/conntrack-guard/bin/ctguard ./opt/conntrack-guard/lib/ctguard.jar ./opt/conntrack-guard/runtime/bin/java \
         ./usr/share/man/man1/ctguard.1.gz ./usr/share/bash-completion/completions/ctguard; do
    grep -q " $f\$" <<< "$contents" || fail "$f is not in the deb"
done
grep -q ' ./usr/bin/ctguard -> /opt/conntrack-guard/bin/ctguard$' <<< "$contents" || fail "/usr/bin/ctguard link"
R=$T/debroot
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
: > "$R/var/lib/dpkg/status"; : > "$R/var/lib/dpkg/available"
# --force-depends: the temporary root has no libc6 package; the host's libraries are what runs
dpkg --root="$R" --force-script-chrootless --force-depends --log=/dev/null -i "$DEB" > "$T/dpkg.log" 2>&1 || fail "dpkg -i: $(cat "$T/dpkg.log")"
[[ -f $R/opt/conntrack-guard/lib/ctguard.jsa.stamp ]] || fail "postinst did not make the start-up archive"
[[ $(readlink "$R/usr/bin/ctguard") == /opt/conntrack-guard/bin/ctguard ]] || fail "/usr/bin/ctguard in the root"
rc=0; out=$(no_java "$R/opt/conntrack-guard/bin/ctguard" check --root "$T/node" --kernel-log "$T/kernel.log") || rc=$?
[[ $rc -le 3 && $out == CONNTRACK* ]] || fail "the installed deb's ctguard: rc $rc: $out"
dpkg --root="$R" --force-script-chrootless --log=/dev/null -r conntrack-guard > "$T/dpkg.log" 2>&1 || fail "dpkg -r: $(cat "$T/dpkg.log")"
left=$(find "$R/opt" "$R/usr" -mindepth 1 \( -type f -o -type l \) 2>/dev/null || true)
[[ -z $left ]] || fail "files left after dpkg -r: $left"
ok "deb: installs into a root (postinst makes the archive), ctguard runs with no system Java, removes cleanly"

# --- the RPM -------------------------------------------------------------------------------------------
RPM=$DIST/conntrack-guard-$VERSION-1.x86_64.rpm
info=$(rpm -qip "$RPM" 2>/dev/null)
grep -q "^Name *: conntrack-guard" <<< "$info" && grep -q "^Version *: $VERSION" <<< "$info" && grep -q "^License *: Apache-2.0" <<< "$info" \
    || fail "rpm -qip: $info"
files=$(rpm -qlp "$RPM" 2>/dev/null)
for f in /opt/conntrack-guard/bin/ctguard /opt/conntrack-guard/lib/ctguard.jar /opt/conntrack-guard/lib/cds.sh \
         /opt/conntrack-guard/runtime/bin/java /usr/bin/ctguard /usr/share/man/man1/ctguard.1.gz; do
    grep -qx "$f" <<< "$files" || fail "$f is not in the rpm"
done
rpm -qp --scripts "$RPM" 2>/dev/null | grep -q 'lib/cds.sh' || fail "rpm %post does not make the archive"
Q=$T/rpmroot
# --nodeps, --noscripts: the temporary root has no glibc package and no shell to run %post in
rpm --root "$Q" --initdb
rpm --root "$Q" -i --nodeps --noscripts "$RPM" > "$T/rpm.log" 2>&1 || fail "rpm -i: $(cat "$T/rpm.log")"
[[ $(readlink "$Q/usr/bin/ctguard") == ../../opt/conntrack-guard/bin/ctguard ]] || fail "/usr/bin/ctguard in the rpm root"
rc=0; out=$(no_java "$Q/usr/bin/ctguard" check --root "$T/node" --kernel-log "$T/kernel.log") || rc=$?
[[ $rc -le 3 && $out == CONNTRACK* ]] || fail "the installed rpm's /usr/bin/ctguard: rc $rc: $out"
ok "rpm: name, version, license, files and %post; installs into an rpm root and runs"
