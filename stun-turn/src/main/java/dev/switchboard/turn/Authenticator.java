package dev.switchboard.turn;

import java.net.InetAddress;

/**
 * Long-term credential checks of RFC 8489 §9.2.4, in the RFC's order. Thread-safe (its collaborators
 * are).
 */
final class Authenticator {

  private final TurnContext ctx;

  Authenticator(TurnContext ctx) {
    this.ctx = ctx;
  }

  /**
   * The user and key that signed {@code msg}.
   *
   * @throws StunException 401 (no or bad integrity, unknown user), 400 (missing attributes) or 438 (stale or foreign nonce)
   */
  Auth authenticate(StunMessage msg, InetAddress client) throws StunException {
    // RFC 8489 §9.2.4 step 1: no MESSAGE-INTEGRITY -> 401 with REALM and NONCE (no state is created).
    if (msg.integrityOffset() < 0) {
      throw new StunException(401, "no MESSAGE-INTEGRITY");
    }
    String username = msg.text(Stun.USERNAME);
    String realm = msg.text(Stun.REALM);
    String nonce = msg.text(Stun.NONCE);
    // Step 2: MESSAGE-INTEGRITY without USERNAME, REALM or NONCE -> 400.
    if (username == null || realm == null || nonce == null) {
      throw new StunException(400, "MESSAGE-INTEGRITY without USERNAME, REALM or NONCE");
    }
    // Step 3: a nonce that is not (or no longer) valid for this client -> 438 with a fresh one.
    Nonces.Verdict verdict = ctx.nonces().check(nonce, client);
    if (verdict != Nonces.Verdict.VALID) {
      throw new StunException(438, "nonce " + verdict);
    }
    // Steps 4-5: unknown user, other realm, or no key reproduces the HMAC -> 401.
    if (realm.equals(ctx.config().realm())) {
      for (byte[] key : ctx.credentials().keys(username, realm)) {
        if (ctx.macs().verify(msg, key)) {
          return new Auth(username, key);
        }
      }
    }
    ctx.metrics().authFailures.increment();
    throw new StunException(401, "bad credentials for user " + username);
  }
}
