#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
# Netty's leak detector records a stack trace for 1 in 128 buffers: a debugging aid, off in
# production (SWITCHBOARD_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on).
# Heap sizing: G1 grows the heap while connections are opened (TLS handshakes make garbage, and a
# busy machine stretches GC pauses, which G1 answers by growing) and keeps it. An idle server
# gives the memory back: a periodic GC once 5 s passed without one (G1 looks every 5 s), and at
# most 30% of the heap free after it. This roughly halves the RSS per idle WSS session (bench
# memory-wss). Options in SWITCHBOARD_JAVA_OPTS come later and win.
#
# Class archive (AppCDS): loading and verifying some 4000 classes is most of a start. The first
# `serve` of a build has the JVM write the classes it loaded to an archive when it exits; later
# starts map that archive and are ready in about two thirds of the time. The archive lives in
# $XDG_CACHE_HOME/switchboard (~/.cache/switchboard), named after this file's path and its and the
# java binary's size, time and inode, so a new build or JDK gets a new one (and the old one of the
# same path goes). It is written under a temporary name and adopted only after a check run, so a
# JVM killed while writing leaves nothing half-made. SWITCHBOARD_CDS=off turns all of this off.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
SELF="$0"
case "$SELF" in /*) ;; *) SELF="$(pwd -P)/$SELF" ;; esac
CDS=""
if [ "${SWITCHBOARD_CDS:-auto}" != off ]; then
  CACHE="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/switchboard"
  STAMP="$(stat -Lc '%s %Y %i' "$SELF" "$(command -v "$JAVA")" 2>/dev/null)" || STAMP=""
  if [ -n "$STAMP" ]; then
    PLACE="$(printf '%s\n' "$SELF" | cksum | cut -d ' ' -f 1)"
    BUILD="$(printf '%s\n' "$STAMP" | cksum | cut -d ' ' -f 1)"
    ARCHIVE="$CACHE/classes-$PLACE-$BUILD.jsa"
    for PENDING in "$ARCHIVE".*.tmp; do
      [ -f "$PENDING" ] || continue
      WRITER="${PENDING%.tmp}"
      WRITER="${WRITER##*.}"
      kill -0 "$WRITER" 2>/dev/null && continue
      # A JVM that maps a cut-short archive crashes, so a new one is tried once before adoption.
      if "$JAVA" -XX:SharedArchiveFile="$PENDING" -Xshare:on -Xlog:all=off -XX:ErrorFile=/dev/null \
          -XX:-CreateCoredumpOnCrash -cp "$SELF" -version >/dev/null 2>&1; then
        for OLD in "$CACHE/classes-$PLACE"-*.jsa; do
          [ "$OLD" = "$ARCHIVE" ] || rm -f "$OLD"
        done
        mv -f "$PENDING" "$ARCHIVE"
      else
        rm -f "$PENDING"
      fi
    done
    if [ -f "$ARCHIVE" ]; then
      CDS="-XX:SharedArchiveFile=$ARCHIVE"
    elif [ "$1" = serve ] && mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ]; then
      CDS="-XX:ArchiveClassesAtExit=$ARCHIVE.$$.tmp"
    fi
  fi
fi
exec "$JAVA" -Dio.netty.leakDetection.level=disabled \
  -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
  ${CDS:+"$CDS"} -Xlog:cds=off -Xlog:cds+dynamic=off \
  $SWITCHBOARD_JAVA_OPTS -jar "$SELF" "$@"
