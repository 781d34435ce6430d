"""Bitmap drawing, which the stand-in bitmaps do not keep: nothing is drawn."""


def blit(*args, **kwargs):
    pass


def replace_color(*args, **kwargs):
    pass


def draw_line(*args, **kwargs):
    pass
