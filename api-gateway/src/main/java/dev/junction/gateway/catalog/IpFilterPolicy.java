package dev.junction.gateway.catalog;

import java.util.List;

/**
 * Caller addresses admitted: when {@code allow} is not empty only addresses in one of its ranges;
 * never an address in a {@code deny} range (deny wins).
 *
 * @param allow CIDR ranges or single addresses (IPv4 or IPv6), e.g. {@code 10.0.0.0/8}
 * @param deny CIDR ranges or single addresses
 */
public record IpFilterPolicy(List<String> allow, List<String> deny) {

  public IpFilterPolicy {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }
}
