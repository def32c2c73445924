/**
 * Certificates and keys with BouncyCastle (no openssl): a local CA, leaves with SANs, PEM files
 * written with owner-only permissions.
 */
package dev.switchboard.cli.pki;
