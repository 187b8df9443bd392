#!/usr/bin/env bash
# The image's Java runtime, made from the JDK that runs the build: a jlink-ed runtime in /opt/java plus the
# system libraries it loads (glibc, libstdc++, zlib, ...), copied at their own paths, so the image can start
# FROM scratch without pulling a base image (docs/ARCHITECTURE.md §11.26).
# Usage: java-runtime.sh JAVA_HOME OUT_DIR
set -euo pipefail
JDK=$1
OUT=$2

if [ ! -f "$JDK/jmods/java.base.jmod" ]; then
  echo "java-runtime.sh: $JDK has no jmods/ to jlink from (on Debian they come with openjdk-17-jdk-headless)" >&2
  exit 1
fi
# The modules Warrant's class path uses (jdeps --print-module-deps on the shaded jar), plus the ones it reaches only
# through service loading or reflection: EC crypto for TLS (its own module up to JDK 21), jdk.management for
# Hazelcast's metrics.
MODULES=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.httpserver,jdk.jfr,jdk.management,jdk.net,jdk.unsupported
if [ -f "$JDK/jmods/jdk.crypto.ec.jmod" ]; then
  MODULES="$MODULES,jdk.crypto.ec"
fi

# Done already for this JDK and this script: jlink takes ~15 s, so a rebuild without 'clean' reuses it.
STAMP="$OUT.stamp"
WANT="$("$JDK/bin/java" -version 2>&1 | tr '\n' ' ') $(cksum < "$0")"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi
rm -rf "$OUT" "$STAMP"
mkdir -p "$OUT/opt" "$OUT/tmp" "$OUT/var/lib/warrant"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$OUT/opt/java"

# The shared libraries the launcher, the VM and the runtime's own libraries need. java.desktop's native libraries
# (AWT, fonts, sound, images) stay unresolved: a headless server never loads them (only java.beans is used).
libs=$(find "$OUT/opt/java" -type f \( -path '*/bin/*' -o -name '*.so' \) \
  ! -name 'libawt*' ! -name 'libfontmanager.so' ! -name 'libjavajpeg.so' ! -name 'libjawt.so' \
  ! -name 'libjsound.so' ! -name 'liblcms.so' ! -name 'libmlib_image.so' ! -name 'libsplashscreen.so' \
  -exec ldd {} \; | awk '
    $1 == "libjvm.so" { next }   # inside the runtime (lib/server), found by the launcher
    /not found/ { print "MISSING " $1; next }
    $2 == "=>" && $3 ~ /^\// { print $3; next }
    $1 ~ /^\// { print $1 }' | sort -u)
if printf '%s\n' "$libs" | grep -q '^MISSING'; then
  echo "java-runtime.sh: the runtime needs libraries this machine lacks:" >&2
  printf '%s\n' "$libs" | grep '^MISSING' >&2
  exit 1
fi
for lib in $libs; do
  case "$lib" in "$OUT"/*) continue ;; esac
  mkdir -p "$OUT$(dirname "$lib")"
  cp -L "$lib" "$OUT$lib"
done
printf '%s' "$WANT" > "$STAMP"
