"""The PC simulator: runs the board's code.py unmodified on stand-ins for its modules."""
