class PlanError(Exception):
    """A document that cannot be read as a plan; the message is one Chinese line for people."""
