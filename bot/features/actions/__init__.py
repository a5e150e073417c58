"""Commands sent to the car: the card's action buttons, /precondition and /charge, their taps and values."""
