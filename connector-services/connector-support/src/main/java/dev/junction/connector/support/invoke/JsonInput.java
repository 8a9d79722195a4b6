package dev.junction.connector.support.invoke;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/** Reads a command's input, which every operation expects to be a JSON object. */
public final class JsonInput {

  private JsonInput() {}

  /**
   * The input as a JSON object.
   *
   * @param reader the reader to use (its features decide, e.g., how decimals are read)
   * @throws InvalidInputException when it is not JSON, or not an object
   */
  public static JsonNode object(String json, ObjectReader reader) throws InvalidInputException {
    JsonNode root;
    try {
      root = reader.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidInputException("input is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("input must be a JSON object");
    }
    return root;
  }
}
