"""Desktop stand-ins, image export, window and bundle command; runs code.py unmodified."""
