package dev.junction.gateway.catalog;

import java.time.Duration;
import java.util.List;

/**
 * Response caching of safe calls (GET, HEAD).
 *
 * @param ttl how long a response is kept at most (a shorter {@code max-age} of the response wins)
 * @param varyByQuery whether the query string is part of the key
 * @param varyByHeaders request headers whose values are part of the key
 * @param varyByCaller whether the caller (client id, else subject) is part of the key; only with it
 *     are responses marked {@code private} kept
 */
public record CachePolicy(
    Duration ttl, boolean varyByQuery, List<String> varyByHeaders, boolean varyByCaller) {

  public CachePolicy {
    varyByHeaders = List.copyOf(varyByHeaders);
  }
}
