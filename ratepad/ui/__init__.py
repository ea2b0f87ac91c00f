"""The pad's widgets."""
