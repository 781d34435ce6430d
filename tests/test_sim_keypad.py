"""The virtual clock, the keypad stand-in fed by scripts and live presses, and --press."""

import pytest

from sim.clock import TICKS_PERIOD, VirtualClock
from sim.devices import install
from sim.presses import TAP_MS, parse_presses


def buttons():
    """Keys for UP and DOWN, made the way code.py makes them."""
    import board
    import keypad

    return keypad.Keys((board.BUTTON_UP, board.BUTTON_DOWN), value_when_pressed=False, pull=True)


def drain(keys):
    """Every queued event as (key_number, pressed, timestamp)."""
    events = []
    while (event := keys.events.get()) is not None:
        events.append((event.key_number, event.pressed, event.timestamp))
    return events


def test_clock_ticks_wrap_at_2_to_the_29_while_now_ms_keeps_counting():
    clock = VirtualClock(start_ms=TICKS_PERIOD - 2)
    assert clock.ticks_ms() == TICKS_PERIOD - 2
    clock.advance(5)
    assert clock.ticks_ms() == 3
    assert clock.now_ms == TICKS_PERIOD + 3
    assert clock.monotonic() == pytest.approx((TICKS_PERIOD + 3) / 1000)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(TypeError):
        clock.advance(1.5)


def test_scripted_changes_arrive_only_once_the_clock_passes_them_in_order():
    clock = VirtualClock()
    script = [(100, 0, True), (200, 0, False), (150, 1, True), (300, 1, False)]
    with install(clock, key_script=script):
        keys = buttons()
        assert keys.events.get() is None
        clock.advance(99)
        assert not keys.events
        clock.advance(1)
        assert drain(keys) == [(0, True, 100)]
        clock.advance(150)
        assert drain(keys) == [(1, True, 150), (0, False, 200)]
        clock.advance(1000)
        assert drain(keys) == [(1, False, 300)]


def test_script_times_count_from_install_and_timestamps_wrap_like_ticks():
    clock = VirtualClock(start_ms=TICKS_PERIOD - 50)
    with install(clock, key_script=[(100, 1, True)]):
        keys = buttons()
        clock.advance(99)
        assert len(keys.events) == 0
        clock.advance(1)
        assert drain(keys) == [(1, True, 50)]


def test_live_presses_from_the_window_are_queued_at_the_current_time():
    clock = VirtualClock()
    with install(clock, key_script=[(500, 0, True), (600, 0, False)]) as board_sim:
        keys = buttons()
        clock.advance(40)
        board_sim.buttons.press(1)
        clock.advance(20)
        board_sim.buttons.release(1)
        assert drain(keys) == [(1, True, 40), (1, False, 60)]
        clock.advance(1000)
        assert drain(keys) == [(0, True, 500), (0, False, 600)]


def test_event_equality_ignores_the_timestamp():
    with install(VirtualClock()):
        import keypad

        assert keypad.Event(1, True, 5) == keypad.Event(1, True, 900)
        assert keypad.Event(1, True, 5) != keypad.Event(1, False, 5)
        assert hash(keypad.Event(0, False, 1)) == hash(keypad.Event(0, False, 2))
        assert keypad.Event(0, False).released
        assert repr(keypad.Event(1, True)) == "<Event: key_number 1 pressed>"


def test_get_into_fills_an_event_in_place():
    clock = VirtualClock()
    with install(clock, key_script=[(10, 1, True)]):
        import keypad

        keys = buttons()
        event = keypad.Event()
        assert not keys.events.get_into(event)
        clock.advance(10)
        assert keys.events.get_into(event)
        assert (event.key_number, event.pressed, event.timestamp) == (1, True, 10)


def test_a_full_queue_drops_new_events_and_says_so_until_cleared():
    clock = VirtualClock()
    script = [(1, 0, True), (2, 0, False), (3, 0, True)]
    with install(clock, key_script=script):
        import board
        import keypad

        keys = keypad.Keys((board.BUTTON_UP,), value_when_pressed=False, max_events=2)
        clock.advance(5)
        assert len(keys.events) == 2
        assert keys.events.overflowed
        assert drain(keys) == [(0, True, 1), (0, False, 2)]
        keys.events.clear()
        assert not keys.events.overflowed


def test_a_key_held_before_keys_exist_or_at_reset_is_reported_pressed():
    clock = VirtualClock()
    with install(clock, key_script=[(10, 1, True), (20, 0, True), (30, 0, False)]):
        clock.advance(50)
        keys = buttons()
        assert drain(keys) == [(1, True, 50)]
        clock.advance(10)
        keys.reset()
        assert drain(keys) == [(1, True, 60)]


def test_keys_refuse_use_after_deinit():
    with install(VirtualClock()):
        keys = buttons()
        assert keys.key_count == 2
        keys.deinit()
        with pytest.raises(ValueError):
            keys.events.get()


def test_press_option_taps_and_holds():
    assert parse_presses("up@1500,down@4000,UP@9000:1200") == (
        (1500, 0, True),
        (1500 + TAP_MS, 0, False),
        (4000, 1, True),
        (4000 + TAP_MS, 1, False),
        (9000, 0, True),
        (10200, 0, False),
    )
    assert parse_presses(" down@0:100 , down@100 ") == (
        (0, 1, True),
        (100, 1, False),
        (100, 1, True),
        (200, 1, False),
    )


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "expected NAME@MS"),
        ("up", "expected NAME@MS"),
        ("left@300", "expected NAME@MS"),
        ("up@1,,down@2", "expected NAME@MS"),
        ("up@soon", "MS must be a whole number"),
        ("up@-5", "MS must be a whole number"),
        ("up@1.5", "MS must be a whole number"),
        ("up@5:x", "HOLD must be a whole number"),
        ("up@5:0", "HOLD must be at least 1 ms"),
        ("up@0:200,up@100", "overlaps"),
    ],
)
def test_press_option_rejects_bad_text_with_a_clear_message(text, complaint):
    with pytest.raises(ValueError, match=complaint):
        parse_presses(text)
