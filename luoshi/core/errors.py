class ActionRefused(Exception):
    """A business rule said no; the message is Chinese and shown to the user as it is."""
