"""Tools that run on the PC and work on the repository: the CIRCUITPY bundle (tools.bundle)."""
