"""What goes on the CIRCUITPY drive, written once for both things that lay one out.

The simulator (sim.runner) links these into a stand-in drive for every run; the bundle
(tools.bundle) copies them into a real one, with a lib/ of the Adafruit libraries, and
refuses any other module of the repository that device code imports. The board itself
never imports this file.
"""

ENTRY = "code.py"  # what the board runs at start
SETTINGS = "settings.toml"  # what the board's os.getenv reads
PACKAGES = ("app", "nn", "render")  # the repository's device packages: no other module of it ships
FONTS = "fonts"  # the .bdf fonts the readout draws with
