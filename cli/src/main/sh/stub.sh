#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
# Netty's leak detector records a stack trace for 1 in 128 buffers: a debugging aid, off in
# production (SWITCHBOARD_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on).
# The parallel collector rather than G1: on the relay path G1's write barriers and refinement cost
# about a tenth more CPU per packet (bench/, TURN through turnutils_peer), and with a live set of a
# few MB its young pauses stay around a millisecond. A collector named in SWITCHBOARD_JAVA_OPTS wins.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
case "$SWITCHBOARD_JAVA_OPTS" in
  *-XX:+Use*GC*) GC= ;;
  *) GC=-XX:+UseParallelGC ;;
esac
exec "$JAVA" -Dio.netty.leakDetection.level=disabled $GC $SWITCHBOARD_JAVA_OPTS -jar "$0" "$@"
