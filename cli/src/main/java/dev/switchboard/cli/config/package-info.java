/**
 * Loading {@code switchboard.yaml}: the documented defaults shipped in the jar, the user's file and
 * command-line overrides, merged and validated with every problem reported at once with its key and
 * line.
 */
package dev.switchboard.cli.config;
