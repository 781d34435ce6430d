"""python -m sim: watch the network learn on a simulated 64x32 matrix (see --help).

python -m sim                      run code.py, write sim-out/training.gif and last.png
python -m sim --window             a live window (keys U and D are the buttons)
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_parser():
    """The command line of python -m sim."""
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="Run the board's code.py on a simulated 64x32 RGB matrix and record it.",
    )
    parser.add_argument(
        "--batches", type=int, default=20, help="stop after this many mini-batches (default 20)"
    )
    parser.add_argument("--seed", type=int, help="NN_SEED for this run (default: settings)")
    parser.add_argument(
        "--settings",
        default=str(ROOT / "settings.toml"),
        help="settings file fed to code.py (default settings.toml)",
    )
    parser.add_argument(
        "--gif", default="sim-out/training.gif", help="animated GIF with the LED look ('' for none)"
    )
    parser.add_argument(
        "--png", default="sim-out/last.png", help="last frame, exact 64x32 pixels ('' for none)"
    )
    parser.add_argument(
        "--led-png", default="", help="also write the last frame with the LED look to this path"
    )
    parser.add_argument("--scale", type=int, default=6, help="GIF/window pixels per LED")
    parser.add_argument("--fps", type=int, default=25, help="simulated frames per second")
    parser.add_argument(
        "--press", default="", help="scripted buttons, e.g. up@1500,down@4000:1200 (ms; :HOLD)"
    )
    parser.add_argument(
        "--nvm",
        default="",
        help="keep the board's 8 KB nvm (checkpoints) in this file, so runs resume",
    )
    parser.add_argument(
        "--export", default="", help="write the final weights and training state as JSON"
    )
    parser.add_argument(
        "--window",
        action="store_true",
        help="live pygame window; U and D are the buttons, Esc quits",
    )
    return parser


def _arguments(argv):
    from sim.presses import parse_presses

    parser = make_parser()
    args = parser.parse_args(argv)
    if args.batches < 1 or args.scale < 1 or not 1 <= args.fps <= 250:
        parser.error("--batches and --scale must be >= 1, --fps 1..250")
    try:
        args.key_script = parse_presses(args.press) if args.press else ()
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv=None):
    """Run the simulator with command-line arguments; return the exit status."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    from sim.outputs import OutputError, check_outputs, write_outputs
    from sim.pictures import GifRecorder, save_led_png, save_png
    from sim.runner import Simulation, read_settings
    from sim.weights import StateAfterBatches, write_state

    try:
        check_outputs(args)
    except OutputError as error:
        print("python -m sim: %s" % error, file=sys.stderr)
        return 2
    overrides = {} if args.seed is None else {"NN_SEED": args.seed}
    try:
        settings = read_settings(args.settings, overrides)
    except OSError as error:
        print("cannot read settings %s: %s" % (args.settings, error), file=sys.stderr)
        return 2
    recorder = GifRecorder(scale=args.scale, fps=args.fps) if args.gif else None
    exported = StateAfterBatches(None if args.window else args.batches)
    simulation = Simulation(
        settings,
        batches=None if args.window else args.batches,
        fps=args.fps,
        key_script=args.key_script,
        recorder=recorder,
        window_scale=args.scale if args.window else None,
        nvm_path=args.nvm or None,
        on_frame=exported.on_frame if args.export else None,
        tail_ms=200,
        last_pulse=True,
    )
    try:
        simulation.run()
    except RuntimeError as error:
        print("python -m sim: %s" % error, file=sys.stderr)
        return 1
    matrix = simulation.board.matrix
    jobs = [
        ("--png", args.png, "last frame", lambda path: save_png(matrix, path)),
        ("--led-png", args.led_png, "last frame", lambda path: save_led_png(matrix, path)),
        ("--export", args.export, "weights", lambda path: write_state(exported.state, path)),
        ("--gif", args.gif, "animation", lambda path: "(%d frames)" % recorder.save(path)),
    ]
    return write_outputs([job for job in jobs if job[1]])


if __name__ == "__main__":
    sys.exit(main())
