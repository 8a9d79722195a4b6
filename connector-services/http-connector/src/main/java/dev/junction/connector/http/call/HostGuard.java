package dev.junction.connector.http.call;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The second half of the SSRF guard (the first is {@link TargetUrls}: a step cannot leave its
 * connection's base URL). A connection whose host <em>name</em> resolves to a link-local address
 * (169.254.0.0/16, fe80::/10: where cloud metadata services such as 169.254.169.254 live), to the
 * IPv6 metadata address fd00:ec2::254 or to the unspecified address is refused at call time: a DNS
 * record changed to point there must not reach them. A connection that names such an address
 * literally in its base URL is the operator's explicit choice and is allowed.
 *
 * <p>The check resolves with the JVM's resolver and cache, as the HTTP client does right after; it
 * narrows but cannot close a DNS-rebinding window shorter than the JVM's DNS cache.
 */
final class HostGuard {

  /** Resolves a host name; the JVM's by default, a fake in tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private static final byte[] AWS_IPV6_METADATA = {
    (byte) 0xfd, 0x00, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
  };

  private final Resolver resolver;

  HostGuard(Resolver resolver) {
    this.resolver = resolver;
  }

  static HostGuard system() {
    return new HostGuard(InetAddress::getAllByName);
  }

  /**
   * Why {@code host} may not be called, or {@code null} when it may.
   *
   * @throws UnknownHostException when the name does not resolve
   */
  String refusal(String host) throws UnknownHostException {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (isLiteral(bare)) {
      return null; // named by address in configuration: the operator's explicit choice
    }
    for (InetAddress address : resolver.resolve(bare)) {
      if (address.isLinkLocalAddress()
          || address.isAnyLocalAddress()
          || (address instanceof Inet6Address
              && Arrays.equals(address.getAddress(), AWS_IPV6_METADATA))) {
        return "host "
            + host
            + " resolves to "
            + address.getHostAddress()
            + ", a link-local or metadata address; name it by address in the base URL if it is"
            + " really meant";
      }
    }
    return null;
  }

  private static boolean isLiteral(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.indexOf(':') >= 0 || lower.matches("[0-9.]+");
  }
}
