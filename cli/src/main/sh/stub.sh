#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
# Netty's leak detector records a stack trace for 1 in 128 buffers: a debugging aid, off in
# production (SWITCHBOARD_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on).
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" -Dio.netty.leakDetection.level=disabled $SWITCHBOARD_JAVA_OPTS -jar "$0" "$@"
