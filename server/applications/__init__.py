"""办件 (application cases): after the window, back-office approval, 出件/送达, 电子证照."""
