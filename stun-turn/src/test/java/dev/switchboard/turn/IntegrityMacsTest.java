package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The per-thread Macs give the RFC 5769 values whatever key the thread used before. */
class IntegrityMacsTest {

  private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
  private static final int VECTOR_MI = 20 + 16 + 12; // MESSAGE-INTEGRITY offset in the RFC 5769 §2.2 response

  private final IntegrityMacs macs = new IntegrityMacs();

  @Test
  void reproducesTheVectorWhenKeysAlternateAndRepeat() throws Exception {
    byte[] vector = StunCodecTest.SAMPLE_IPV4_RESPONSE;
    byte[] expected = Arrays.copyOfRange(vector, VECTOR_MI + 4, VECTOR_MI + 24);
    StunMessage longTerm = StunCodec.decode(StunCodecTest.SAMPLE_LONG_TERM_REQUEST);
    byte[] longTermKey = MessageDigest.getInstance("MD5").digest(
        (longTerm.text(Stun.USERNAME) + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      assertThat(macs.hmac(SHORT_TERM_KEY, vector, VECTOR_MI)).isEqualTo(expected);
      assertThat(macs.hmac(SHORT_TERM_KEY.clone(), vector, VECTOR_MI)).isEqualTo(expected); // same key, new array
      assertThat(macs.verify(longTerm, longTermKey)).isTrue();
      assertThat(macs.verify(longTerm, SHORT_TERM_KEY)).isFalse();
    }
  }

  @Test
  void aKeyChangedInPlaceIsNotMistakenForTheOneHeld() {
    byte[] vector = StunCodecTest.SAMPLE_IPV4_RESPONSE;
    byte[] key = SHORT_TERM_KEY.clone();
    byte[] right = macs.hmac(key, vector, VECTOR_MI);
    key[0] ^= 1;
    assertThat(macs.hmac(key, vector, VECTOR_MI)).isNotEqualTo(right).isEqualTo(StunCodec.hmac(vector, VECTOR_MI, key));
  }

  @Test
  void verifiesMessagesWithoutIntegrityAsUnsigned() {
    byte[] unsigned = new StunMessageBuilder(Stun.type(Stun.BINDING, Stun.REQUEST), new byte[12]).build(null, true);
    assertThat(macs.verify(StunCodec.decode(unsigned), SHORT_TERM_KEY)).isFalse();
  }

  @Test
  void eachThreadHasItsOwnMac() throws Exception {
    byte[] vector = StunCodecTest.SAMPLE_IPV4_RESPONSE;
    byte[] expected = Arrays.copyOfRange(vector, VECTOR_MI + 4, VECTOR_MI + 24);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] runs = new Future<?>[4];
      for (int t = 0; t < runs.length; t++) {
        byte[] other = ("other key " + t).getBytes(StandardCharsets.UTF_8);
        runs[t] = pool.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            assertThat(macs.hmac(SHORT_TERM_KEY, vector, VECTOR_MI)).isEqualTo(expected);
            macs.hmac(other, vector, VECTOR_MI);
          }
        });
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
