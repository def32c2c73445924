/**
 * End-to-end tests of the browser side (switchboard.js, the demo room, the Trickle ICE page) in
 * headless Chromium against a real {@code dist/switchboard serve} process. The server and Chromium
 * run in a network namespace of their own that holds only loopback, so no test packet can reach
 * another interface of the machine.
 */
package dev.switchboard.cli.browser;
