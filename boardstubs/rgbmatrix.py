"""The RGB matrix driver: its frame buffer lives outside the heap on the board too."""


class RGBMatrix:
    def __init__(self, *, width, height, bit_depth, **pins):
        self.width = width
        self.height = height
