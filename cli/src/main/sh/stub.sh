#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" $SWITCHBOARD_JAVA_OPTS -jar "$0" "$@"
