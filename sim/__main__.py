"""python -m sim: watch the network learn on a simulated 64x32 matrix (see --help).

python -m sim                      run code.py, write sim-out/training.gif and last.png
python -m sim --window             a live window (keys U and D are the buttons)
"""

# Only modules the interpreter has loaded already, before main() takes Ctrl-C over: until
# then Ctrl-C raises KeyboardInterrupt, so the time before it is kept short.
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# GIF and window pixels per LED: at 32 a frame is already 2048x1024 pixels.
MAX_SCALE = 32
# The exit status of a run stopped by Ctrl-C, as shells report one (128 + SIGINT).
STOPPED_BY_CTRL_C = 130


def make_parser():
    """The command line of python -m sim."""
    import argparse

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
        default=os.path.join(ROOT, "settings.toml"),
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
    parser.add_argument(
        "--scale", type=int, default=6, help="GIF/window pixels per LED, 1..%d" % MAX_SCALE
    )
    parser.add_argument("--fps", type=int, default=25, help="simulated frames per second")
    parser.add_argument(
        "--max-seconds",
        type=float,
        help="stop after this much simulated time even if fewer batches are done (a paused"
        " run); default: the time --batches take if every batch is animated, plus 60 s"
        " (none with --window)",
    )
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
    if args.batches < 1 or not 1 <= args.fps <= 250:
        parser.error("--batches must be >= 1, --fps 1..250")
    if not 1 <= args.scale <= MAX_SCALE:
        parser.error(
            "--scale must be 1..%d pixels per LED (at %d a frame is %dx%d pixels)"
            % (MAX_SCALE, MAX_SCALE, 64 * MAX_SCALE, 32 * MAX_SCALE)
        )
    if args.max_seconds is not None and not 0 < args.max_seconds < float("inf"):
        parser.error("--max-seconds must be a number of seconds > 0")
    try:
        args.key_script = parse_presses(args.press) if args.press else ()
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv=None):
    """Run the simulator with command-line arguments; return the exit status."""
    from sim.console import sturdy_console
    from sim.interrupt import CtrlC

    # Without argv this is the program itself, which ends when main returns.
    with sturdy_console(), CtrlC(then_ignore=argv is None) as ctrl_c:
        return _run(_arguments(sys.argv[1:] if argv is None else argv), ctrl_c)


def _say(text):
    print("python -m sim: %s" % text, file=sys.stderr)


def _how_far(simulation, args):
    """How far the run got: "after 3 of 20 batches, 12.3 s of simulated time"."""
    asked = "" if args.window else " of %d" % args.batches
    return "after %d%s batches, %.1f s of simulated time" % (
        simulation.serial.batches,
        asked,
        simulation.elapsed_ms / 1000,
    )


def _run(args, ctrl_c):
    from sim.outputs import OutputError, check_outputs, write_outputs
    from sim.pictures import GifRecorder, save_led_png, save_png
    from sim.runner import STOP_REQUESTED, TIME_LIMIT, Simulation, read_settings
    from sim.weights import StateAfterBatches, write_state

    try:
        check_outputs(args)
    except OutputError as error:
        _say(error)
        return 2
    overrides = {} if args.seed is None else {"NN_SEED": args.seed}
    try:
        settings = read_settings(args.settings, overrides)
    except OSError as error:
        print("cannot read settings %s: %s" % (args.settings, error), file=sys.stderr)
        return 2
    if ctrl_c.requested:
        _say("stopped by Ctrl-C before the run started; nothing written")
        return STOPPED_BY_CTRL_C
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
        time_limit_ms=None if args.max_seconds is None else round(args.max_seconds * 1000),
        should_stop=ctrl_c,
    )
    try:
        simulation.run()
    except RuntimeError as error:
        _say(error)
        return 1
    stopped = simulation.ended == STOP_REQUESTED
    if stopped:
        _say(
            "stopped by Ctrl-C %s; writing what was made so far (Ctrl-C again cuts the GIF"
            " short)" % _how_far(simulation, args)
        )
        ctrl_c.forget()  # from here on, only another Ctrl-C cuts the GIF short
    elif simulation.ended == TIME_LIMIT and not args.window:
        loop = simulation.loop
        paused = " while training was paused" if loop is not None and loop.paused else ""
        print("time limit: stopped %s%s (--max-seconds)" % (_how_far(simulation, args), paused))
    matrix = simulation.board.matrix

    def save_gif(path):
        cut_short = []

        def stop():
            if ctrl_c.requested:
                cut_short.append(True)
            return ctrl_c.requested

        frames = recorder.save(path, stop=stop)
        if cut_short:
            return "(the first %d of %d frames: stopped by Ctrl-C)" % (frames, len(recorder))
        return "(%d frame%s)" % (frames, "" if frames == 1 else "s")

    jobs = [
        ("--png", args.png, "last frame", lambda path: save_png(matrix, path)),
        ("--led-png", args.led_png, "last frame", lambda path: save_led_png(matrix, path)),
        ("--export", args.export, "weights", lambda path: write_state(exported.state, path)),
        ("--gif", args.gif, "animation", save_gif),
    ]
    status = write_outputs([job for job in jobs if job[1]])
    if ctrl_c.requested and not stopped:
        _say("stopped by Ctrl-C while writing the files; those written are complete (see above)")
    return STOPPED_BY_CTRL_C if stopped or ctrl_c.requested else status


if __name__ == "__main__":
    sys.exit(main())
