"""Make the demo how-to videos and posters from the demo content (a developer's tool).

For each how-to article and language: a poster (1280x720 PNG) and a short WebM video whose
slides are the title and the steps, narrated from the transcript by espeak-ng. The outputs
are committed in ``assets/`` so that ``make run`` needs none of these tools.

Needs Pillow (in the project's environment), and ffmpeg, ffprobe and espeak-ng on the PATH
(Debian: ``apt-get install ffmpeg espeak-ng``). Run from the project root:

    .venv/bin/python kb/demo_content/make_media.py
"""

import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
VOICES = {"en": "en-gb", "tr": "tr", "de": "de"}
BLUE, INK, WHITE = (11, 92, 173), (27, 31, 36), (255, 255, 255)


def slide(size, heading: str, body: str = "", number: str = "") -> Image.Image:
    width, height = size
    scale = width / 1280
    image = Image.new("RGB", size, BLUE if not body else WHITE)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.truetype(FONT_BOLD, int(56 * scale))
    body_font = ImageFont.truetype(FONT, int(36 * scale))
    margin = int(80 * scale)
    y = int(90 * scale)
    if number:
        draw.ellipse((margin, y, margin + 90 * scale, y + 90 * scale), fill=BLUE)
        draw.text(
            (margin + 45 * scale, y + 45 * scale), number, font=title_font, fill=WHITE, anchor="mm"
        )
        y += int(130 * scale)
    colour = WHITE if not body else INK
    for line in textwrap.wrap(heading, width=34):
        draw.text((margin, y), line, font=title_font, fill=colour)
        y += int(70 * scale)
    y += int(30 * scale)
    for line in textwrap.wrap(body, width=56)[:8]:
        draw.text((margin, y), line, font=body_font, fill=INK)
        y += int(50 * scale)
    draw.text(
        (margin, height - int(70 * scale)),
        "Nordlicht · Help Center",
        font=body_font,
        fill=(200, 215, 235) if not body else (120, 130, 140),
    )
    return image


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def make(article: dict, language: str) -> float:
    text = article[language]
    key = f"{article['key']}-{language}"
    slide((1280, 720), text["title"]).save(ASSETS / f"{key}.png", optimize=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        narration = tmp / "narration.wav"
        script = " ".join(text["transcript"])
        run("espeak-ng", "-v", VOICES[language], "-s", "150", "-w", str(narration), script)
        probe = ("-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0")
        seconds = float(run("ffprobe", *probe, str(narration)))
        slides = [slide((640, 360), text["title"])] + [
            slide((640, 360), step["title"], step["text"], str(n))
            for n, step in enumerate(text["steps"], start=1)
        ]
        each = seconds / len(slides)
        listing = tmp / "slides.txt"
        lines = []
        for n, image in enumerate(slides):
            path = tmp / f"{n}.png"
            image.save(path)
            lines += [f"file '{path}'", f"duration {each:.2f}"]
        lines.append(f"file '{tmp / f'{len(slides) - 1}.png'}'")
        listing.write_text("\n".join(lines))
        run("ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
            "-i", str(narration), "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "52", "-r", "2",
            "-g", "600", "-pix_fmt", "yuv420p", "-c:a", "libopus", "-b:a", "12k", "-ac", "1",
            "-shortest", str(ASSETS / f"{key}.webm"))  # fmt: skip
    print(f"{key}: {seconds:.0f} s")
    return round(seconds)


def main() -> int:
    missing = [tool for tool in ("ffmpeg", "ffprobe", "espeak-ng") if not shutil.which(tool)]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install ffmpeg espeak-ng)")
        return 1
    ASSETS.mkdir(exist_ok=True)
    # Real lengths, so the demo's chapter times and durations match what plays.
    lengths = {}
    for path in sorted(HERE.glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            if article["type"] == "howto":
                for language in VOICES:
                    lengths[f"{article['key']}-{language}"] = make(article, language)
    (ASSETS / "lengths.json").write_text(json.dumps(lengths, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
