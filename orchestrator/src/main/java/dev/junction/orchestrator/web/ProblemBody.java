package dev.junction.orchestrator.web;

/** RFC 9457 problem details as served with {@code application/problem+json}. */
record ProblemBody(String type, String title, int status, String detail, String instance) {}
