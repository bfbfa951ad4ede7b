#!/usr/bin/env bash
# make dist: the self-contained node bundle and its packages, in dist/:
#   conntrack-guard-VERSION-linux-x86_64.tar.gz (+ .sha256)   bin/ctguard, lib/ctguard.jar, runtime/ (jlink),
#                                                              lib/classlist + lib/cds.sh, share/ (man page, completion)
#   conntrack-guard_VERSION_amd64.deb                          /opt/conntrack-guard, /usr/bin/ctguard
#   conntrack-guard-VERSION-1.x86_64.rpm                       the same files
# The runtime holds only the modules the agent needs (README, "Installation on nodes"). Reproducible
# timestamps: every file gets the time of the last commit (SOURCE_DATE_EPOCH).
# Usage: packaging/dist.sh   (needs the JDK's jlink; dpkg-deb and rpmbuild for the packages)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/java-agent/target/ctguard.jar
OUT=$ROOT/dist
# the agent's own modules (jdeps: java.base, java.sql for Gson, jdk.unsupported for guard's SIGTERM handler,
# sun.misc.Signal) and jdk.crypto.ec, the provider of the EC, X25519 and Ed25519 algorithms fleet's SSH uses,
# which no class names statically
MODULES=java.base,java.sql,jdk.unsupported,jdk.crypto.ec
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

[[ -f $JAR ]] || { echo "dist: no $JAR: run 'make build' first" >&2; exit 1; }
VERSION=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("ctguard-version.properties").decode())' "$JAR" | sed -n 's/^version=//p')
[[ -n $VERSION ]] || { echo "dist: no version in $JAR" >&2; exit 1; }
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
NAME=conntrack-guard-$VERSION-linux-x86_64
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ctguard-dist.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
B=$STAGE/$NAME

mkdir -p "$B/bin" "$B/lib" "$B/share/man/man1" "$B/share/bash-completion/completions" "$OUT"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$B/runtime"
install -m 0644 "$JAR" "$B/lib/ctguard.jar"
install -m 0755 "$ROOT/packaging/ctguard" "$B/bin/ctguard"
install -m 0755 "$ROOT/packaging/cds.sh" "$B/lib/cds.sh"
install -m 0644 "$ROOT/LICENSE" "$B/LICENSE"

# the class list comes from a real check, on a fixture node, with the runtime being shipped
fixture=$STAGE/node
cp -a "$ROOT/java-agent/src/test/resources/fixtures/linux-6.18" "$fixture"
: > "$STAGE/empty.yml"; : > "$STAGE/kernel.log"
CTGUARD_CONFIG=$STAGE/empty.yml "$B/runtime/bin/java" -Xshare:off -XX:+UseSerialGC -XX:DumpLoadedClassList="$B/lib/classlist" \
    -jar "$B/lib/ctguard.jar" check --json --root "$fixture" --kernel-log "$STAGE/kernel.log" > /dev/null || [[ $? -le 3 ]]
grep -q '^ctguard/cli/Main' "$B/lib/classlist" || { echo "dist: the class list has no agent classes" >&2; exit 1; }

# man page and completion from the command model
"$B/runtime/bin/java" -cp "$B/lib/ctguard.jar" ctguard.cli.Docs "$STAGE/docs"
gzip -9n < "$STAGE/docs/ctguard.1" > "$B/share/man/man1/ctguard.1.gz"
install -m 0644 "$STAGE/docs/ctguard.bash" "$B/share/bash-completion/completions/ctguard"

find "$B" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$STAGE" -czf "$OUT/$NAME.tar.gz" "$NAME"
(cd "$OUT" && sha256sum "$NAME.tar.gz" > "$NAME.tar.gz.sha256")

# Debian package
P=$STAGE/deb
mkdir -p "$P/DEBIAN" "$P/opt" "$P/usr/bin" "$P/usr/share/man/man1" "$P/usr/share/bash-completion/completions"
cp -a "$B" "$P/opt/conntrack-guard"
ln -s /opt/conntrack-guard/bin/ctguard "$P/usr/bin/ctguard"
cp -a "$B/share/man/man1/ctguard.1.gz" "$P/usr/share/man/man1/"
cp -a "$B/share/bash-completion/completions/ctguard" "$P/usr/share/bash-completion/completions/"
sed "s/@VERSION@/$VERSION/" "$ROOT/packaging/deb/control" > "$P/DEBIAN/control"
echo "Installed-Size: $(du -sk --exclude=DEBIAN "$P" | cut -f1)" >> "$P/DEBIAN/control"
install -m 0755 "$ROOT/packaging/deb/postinst" "$ROOT/packaging/deb/prerm" "$P/DEBIAN/"
find "$P" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$P" "$OUT/conntrack-guard_${VERSION}_amd64.deb" > /dev/null

# RPM of the same bundle
if command -v rpmbuild > /dev/null; then
    rpmbuild -bb --quiet --define "_topdir $STAGE/rpm" --define "version $VERSION" --define "bundle $B" \
        --define "_rpmdir $OUT" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
        --define "use_source_date_epoch_as_buildtime 1" "$ROOT/packaging/conntrack-guard.spec" > /dev/null
else
    echo "dist: rpmbuild not found (apt-get install rpm): no RPM" >&2
fi
ls -l "$OUT"
