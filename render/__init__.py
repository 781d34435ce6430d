"""The renderer: pure layout/normalise/colour/timeline logic plus one thin displayio scene."""
