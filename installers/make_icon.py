#!/usr/bin/env python3
"""Draw VillageDesk's icon: a red rounded square with 村 in white (the bundled 文泉驿微米黑).

    /work/main/.venv/bin/python installers/make_icon.py   → resources/icons/villagedesk.png, .ico

The outputs are committed; run this again only to change the icon.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
SIZE = 256
RED = (192, 32, 38, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = SIZE) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    inset = size // 14
    pen.rounded_rectangle((inset, inset, size - 1 - inset, size - 1 - inset), radius=size // 9,
                          outline=(255, 215, 120, 255), width=max(2, size // 64))
    font = ImageFont.truetype(str(FONT), int(size * 0.62))
    pen.text((size / 2, size / 2), "村", font=font, fill=WHITE, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(OUT / "villagedesk.png", optimize=True)
    image.save(OUT / "villagedesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"wrote {OUT / 'villagedesk.png'} and {OUT / 'villagedesk.ico'}")


if __name__ == "__main__":
    main()
