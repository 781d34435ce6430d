"""Stand-in for CircuitPython's ``board`` module on the Adafruit Matrix Portal M4.

The names and the SAMD51 pins behind them are the board's own (CircuitPython's
ports/atmel-samd/boards/matrixportal_m4/pins.c); names for the same pin share one object.
The I2C/SPI/UART singletons are left out: the simulator has no buses.
"""

from sim.devices.microcontroller import Pin

board_id = "matrixportal_m4"

A0 = Pin("PA02")
A1 = Pin("PA05")
A2 = Pin("PA04")
A3 = Pin("PA06")
A4 = Pin("PA07")

TX = Pin("PA00")
RX = Pin("PA01")

ESP_CS = Pin("PB17")
ESP_GPIO0 = Pin("PA20")
ESP_BUSY = Pin("PA22")
ESP_RESET = Pin("PA21")
ESP_RTS = Pin("PA18")
ESP_TX = Pin("PA13")
ESP_RX = Pin("PA12")

SCL = Pin("PB30")
SDA = Pin("PB31")

NEOPIXEL = Pin("PA23")

SCK = Pin("PA16")
MOSI = Pin("PA19")
MISO = Pin("PA17")

MTX_R1 = Pin("PB00")
MTX_G1 = Pin("PB01")
MTX_B1 = Pin("PB02")
MTX_R2 = Pin("PB03")
MTX_G2 = Pin("PB04")
MTX_B2 = Pin("PB05")

MTX_ADDRA = Pin("PB07")
MTX_ADDRB = Pin("PB08")
MTX_ADDRC = Pin("PB09")
MTX_ADDRD = Pin("PB15")
MTX_ADDRE = Pin("PB13")

MTX_CLK = Pin("PB06")
MTX_LAT = Pin("PB14")
MTX_OE = Pin("PB12")

ACCELEROMETER_INTERRUPT = Pin("PA27")

# Grounded when pressed: active low, and the board has no pull-up resistors on them.
BUTTON_UP = Pin("PB22")
BUTTON_DOWN = Pin("PB23")

LED = Pin("PA14")
L = LED
