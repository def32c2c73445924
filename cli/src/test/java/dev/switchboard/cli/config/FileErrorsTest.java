package dev.switchboard.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {

  @TempDir
  Path dir;

  @Test
  void theJdksExceptionsBecomeThePathAndTheReasonInWords() {
    IOException missing = catchThrowableOfType(IOException.class, () -> Files.readString(dir.resolve("nosuch.pem")));
    assertThat(FileErrors.describe(null, missing)).isEqualTo(dir.resolve("nosuch.pem") + ": no such file");
    // The JDK throws these with the path alone as their message.
    assertThat(FileErrors.describe(null, new AccessDeniedException("/srv/d/users"))).isEqualTo("/srv/d/users: permission denied");
    assertThat(FileErrors.describe(null, new FileSystemException("/srv/d", null, "Read-only file system")))
        .isEqualTo("/srv/d: read-only file system");
  }

  @Test
  void aFileThatIsNotUtf8IsSaidToBeSo() throws IOException {
    Path latin1 = dir.resolve("turnserver.conf");
    Files.write(latin1, new byte[] {'#', ' ', 'c', (byte) 0xE9, '\n'});
    IOException e = catchThrowableOfType(IOException.class, () -> Files.readString(latin1));
    assertThat(FileErrors.describe(latin1, e)).startsWith(latin1 + ": is not UTF-8 text");
  }

  @Test
  void aDirectoryReadAsAFileIsNamed() {
    // Reading a directory fails with a bare "Is a directory": the path comes from the caller.
    IOException directory = catchThrowableOfType(IOException.class, () -> Files.readString(dir));
    assertThat(FileErrors.describe(dir, directory)).isEqualTo(dir + ": is a directory");
  }

  @Test
  void aMessageThatNamesThePathAlreadyIsKept() {
    IOException ours = new IOException("/srv/d/tls/cert.pem: no PEM certificate in it");
    assertThat(FileErrors.describe(Path.of("/srv/d/tls/cert.pem"), ours)).isEqualTo(ours.getMessage());
    assertThat(FileErrors.describe(null, ours)).isEqualTo(ours.getMessage());
  }
}
