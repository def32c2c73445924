package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticFilesTest {

  @Test
  void namesNotFoundAreNotKeptSoNoRequestsCanGrowTheMap() {
    StaticFiles files = new StaticFiles();
    for (int i = 0; i < 1000; i++) {
      assertThat(files.forPath("/missing-" + i + ".js")).isEmpty();
      assertThat(files.forPath("/missing-" + i + ".unknown")).isEmpty();
    }
    assertThat(files.keptCount()).isZero();
    assertThat(files.forPath("/switchboard.js")).isPresent();
    assertThat(files.forPath("/switchboard.js").get()).isSameAs(files.forPath("/switchboard.js").get());
    assertThat(files.keptCount()).isEqualTo(1);
  }

  @Test
  void ifNoneMatchNamesTheTagInAListWeaklyOrAsAStar() {
    StaticFiles.File file = new StaticFiles.File(new byte[] {1, 2, 3}, "text/plain");
    assertThat(file.matches(file.etag())).isTrue();
    assertThat(file.matches("\"a\", W/" + file.etag())).isTrue();
    assertThat(file.matches("*")).isTrue();
    assertThat(file.matches("\"a\"")).isFalse();
    assertThat(file.matches(null)).isFalse();
    assertThat(new StaticFiles.File(new byte[] {1, 2, 4}, "text/plain").etag()).isNotEqualTo(file.etag());
  }
}
