"""Qt widgets of the wall screens; they only render a DisplayModel."""
