package dev.junction.connector.http.call;

import dev.junction.connector.support.invoke.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Builds the URL of a call from a connection's base URL, a step's path and query, and refuses every
 * path that would leave the base URL: dot segments (also percent-encoded), back-slashes, absolute
 * URLs, other hosts. Workflow input may be built from client data, so the path is untrusted.
 */
public final class TargetUrls {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private TargetUrls() {}

  /** The URL to call; its scheme, host and port are the base URL's and its path is under it. */
  public static URI resolve(URI baseUrl, String path, Map<String, List<String>> query)
      throws InvalidInputException {
    if (!path.isEmpty() && !path.startsWith("/")) {
      // also refuses absolute URLs ("http://other") and scheme-relative ones after the check below
      throw new InvalidInputException("path must start with '/'");
    }
    if (path.startsWith("//")) {
      throw new InvalidInputException("path must not name another host");
    }
    if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
      throw new InvalidInputException("path must not contain '?' or '#'; use input.query");
    }
    String encodedPath = encodePath(path);
    refuseEscapes(decode(encodedPath));

    String basePath = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    String fullPath;
    if (encodedPath.isEmpty()) {
      fullPath = basePath;
    } else {
      fullPath = stripTrailingSlash(basePath) + encodedPath;
    }
    StringBuilder url =
        new StringBuilder(baseUrl.getScheme()).append("://").append(baseUrl.getRawAuthority());
    url.append(fullPath);
    String rawQuery = encodeQuery(query);
    if (!rawQuery.isEmpty()) {
      url.append('?').append(rawQuery);
    }
    URI target = URI.create(url.toString());
    requireUnder(baseUrl, basePath, target);
    return target;
  }

  /** Belt and braces: whatever the checks above missed, the result must still be under the base. */
  private static void requireUnder(URI baseUrl, String basePath, URI target)
      throws InvalidInputException {
    String prefix = stripTrailingSlash(basePath);
    String targetPath = target.normalize().getRawPath();
    boolean samePlace =
        baseUrl.getScheme().equalsIgnoreCase(target.getScheme())
            && baseUrl.getRawAuthority().equalsIgnoreCase(target.getRawAuthority());
    boolean under =
        targetPath.equals(basePath)
            || targetPath.equals(prefix)
            || targetPath.startsWith(prefix + "/");
    if (!samePlace || !under) {
      throw new InvalidInputException("path escapes the connection's base URL");
    }
  }

  private static void refuseEscapes(String decodedPath) throws InvalidInputException {
    if (decodedPath.indexOf('\\') >= 0) {
      throw new InvalidInputException("path must not contain '\\'");
    }
    if (decodedPath.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidInputException("path must not contain control characters");
    }
    for (String segment : decodedPath.split("/", -1)) {
      // Servlet containers drop ";params" before resolving dot segments: "/..;/admin" is
      // "/../admin".
      int params = segment.indexOf(';');
      String bare = params >= 0 ? segment.substring(0, params) : segment;
      if (bare.equals(".") || bare.equals("..")) {
        throw new InvalidInputException("path must not contain '.' or '..' segments");
      }
    }
  }

  /**
   * Percent-encodes what may not appear raw in a URI path; keeps valid escapes such as {@code %20}
   * (the path is a URI path, not plain text) and encodes a lone {@code %}.
   */
  static String encodePath(String path) {
    StringBuilder out = new StringBuilder(path.length());
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out.append('%').append((char) bytes[i + 1]).append((char) bytes[i + 2]);
        i += 2;
      } else if (isPathChar(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX.toHexDigits((byte) b));
      }
    }
    return out.toString();
  }

  /** Encodes query names and values completely: only RFC 3986 unreserved characters stay raw. */
  static String encodeQuery(Map<String, List<String>> query) {
    StringJoiner joiner = new StringJoiner("&");
    query.forEach(
        (name, values) -> {
          for (String value : values) {
            joiner.add(encodeComponent(name) + "=" + encodeComponent(value));
          }
        });
    return joiner.toString();
  }

  private static String encodeComponent(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte raw : text.getBytes(StandardCharsets.UTF_8)) {
      int b = raw & 0xff;
      if (isUnreserved(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX.toHexDigits(raw));
      }
    }
    return out.toString();
  }

  private static String decode(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        bytes.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String stripTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static boolean isHex(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }

  private static boolean isUnreserved(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '.'
        || b == '_'
        || b == '~';
  }

  /** RFC 3986 pchar plus '/': unreserved, sub-delims, ':' and '@'. */
  private static boolean isPathChar(int b) {
    return isUnreserved(b) || "!$&'()*+,;=:@/".indexOf(b) >= 0;
  }
}
