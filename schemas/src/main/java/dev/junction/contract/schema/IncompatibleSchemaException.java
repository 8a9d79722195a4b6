package dev.junction.contract.schema;

/** The registry refused a schema because it breaks the subject's compatibility mode. */
public class IncompatibleSchemaException extends RegistryException {

  private final String subject;

  public IncompatibleSchemaException(String subject, String registryMessage) {
    super("the registry refused the new schema of " + subject + ": " + registryMessage);
    this.subject = subject;
  }

  public String subject() {
    return subject;
  }
}
