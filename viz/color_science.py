"""The colour science behind the palette and the surface's colour scale: sRGB to CIELAB
(D65), the CIEDE2000 colour difference and WCAG's contrast ratio.

sRGB as IEC 61966-2-1 defines it (linear segment below 0.04045, the D65 primaries' matrix);
CIELAB against the D65 white; CIEDE2000 as Sharma, Wu and Dalal (2005), "The CIEDE2000
Color-Difference Formula: Implementation Notes, Supplementary Test Data, and Mathematical
Observations" write it out (tests/test_colors.py checks it on their test pairs). Colours are
arrays on the last axis, ``(..., 3)``: sRGB from 0 to 1, CIELAB as (L*, a*, b*).
"""

from __future__ import annotations

import numpy as np

# Linear sRGB to CIE XYZ (IEC 61966-2-1), and the D65 white point with Y = 1.
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
D65 = SRGB_TO_XYZ.sum(axis=1)  # (0.95047, 1.0, 1.08883): the matrix maps white to it


def hex_rgb(color: str) -> np.ndarray:
    """``#rrggbb`` as sRGB from 0 to 1."""
    color = color.lstrip("#")
    return np.array([int(color[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0


def rgb_hex(rgb: np.ndarray) -> str:
    """sRGB from 0 to 1 as ``#RRGGBB`` (clipped, rounded)."""
    r, g, b = np.clip(np.round(np.asarray(rgb) * 255), 0, 255).astype(int)
    return f"#{r:02X}{g:02X}{b:02X}"


def linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB (gamma-encoded, 0 to 1) to linear light."""
    rgb = np.asarray(rgb, dtype=np.float64)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def encoded(light: np.ndarray) -> np.ndarray:
    """Linear light to sRGB (gamma-encoded), clipped to 0..1."""
    light = np.clip(np.asarray(light, dtype=np.float64), 0.0, 1.0)
    return np.where(light <= 0.0031308, 12.92 * light, 1.055 * light ** (1 / 2.4) - 0.055)


def lab_of_linear(light: np.ndarray) -> np.ndarray:
    """Linear sRGB to CIELAB (D65)."""
    xyz = np.asarray(light, dtype=np.float64) @ SRGB_TO_XYZ.T / D65
    cube = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    fx, fy, fz = cube[..., 0], cube[..., 1], cube[..., 2]
    return np.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1)


def lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0 to 1) to CIELAB (D65)."""
    return lab_of_linear(linear(rgb))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance Y of sRGB (0 to 1), as WCAG 2 defines it."""
    return linear(rgb) @ SRGB_TO_XYZ[1]


def contrast(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """WCAG 2's contrast ratio of two sRGB colours, from 1 to 21."""
    a, b = luminance(first), luminance(second)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """The CIEDE2000 colour difference of CIELAB colours (kL = kC = kH = 1), broadcast."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    # a* stretched by G so that near-neutral colours get their hue right.
    C_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    G = 0.5 * (1 - np.sqrt(C_mean**7 / (C_mean**7 + 25.0**7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where(C1p == 0, 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where(C2p == 0, 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    neutral = C1p * C2p == 0
    # The hue difference and the mean hue, the short way round the circle.
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(neutral, 0.0, dh)
    dL, dC = L2 - L1, C2p - C1p
    dH = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh / 2))
    L_mean, Cp_mean = (L1 + L2) / 2, (C1p + C2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
    )
    h_mean = np.where(neutral, h_sum, h_mean)
    T = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    S_L = 1 + 0.015 * (L_mean - 50) ** 2 / np.sqrt(20 + (L_mean - 50) ** 2)
    S_C = 1 + 0.045 * Cp_mean
    S_H = 1 + 0.015 * Cp_mean * T
    # The blue region's rotation term: chroma and hue differences interact there.
    R_C = 2 * np.sqrt(Cp_mean**7 / (Cp_mean**7 + 25.0**7))
    R_T = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * R_C
    return np.sqrt((dL / S_L) ** 2 + (dC / S_C) ** 2 + (dH / S_H) ** 2 + R_T * (dC / S_C) * (dH / S_H))
