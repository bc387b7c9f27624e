"""Refresh the vendored KERN design system from its pinned npm package.

`make kern` runs this. The built files live in `hub/static/kern/` and are committed, so that
`make run` needs no Node: only refreshing them does. Fira Sans is cut down to the weights the
stylesheets use and to the characters of German and the other Latin-script languages members
write their names in (the SIL Open Font License allows subsetting).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]

PACKAGE = "@kern-ux/native"
VERSION = "2.7.2"
TARGET = Path(__file__).resolve().parent.parent / "hub" / "static" / "kern"

# KERN's tokens use 400 (body), 500 (sublines) and 600 (headings, labels); 500 falls back to 400.
FONT_FACES = (
    ("FiraSans-Regular", 400, "normal"),
    ("FiraSans-Italic", 400, "italic"),
    ("FiraSans-SemiBold", 600, "normal"),
)
# Basic Latin, Latin-1, Latin Extended-A, general punctuation (dashes, quotes, ellipsis,
# bullet), the euro sign and arrows.
UNICODE_RANGES = "U+0000-00FF,U+0100-017F,U+2000-206F,U+20AC,U+2190-2193"

FONT_CSS_HEAD = (
    "/* Fira Sans (SIL Open Font License 1.1, see OFL.txt), subset by tools/refresh_kern.py. */\n"
)


def download(workdir: Path) -> Path:
    """Fetch the pinned package tarball with npm and unpack it; return the package folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("make kern braucht npm (Node.js), um das KERN-Paket zu laden.")
    subprocess.run(  # noqa: S603 - a fixed command line
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = workdir.glob("*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def subset_font(source: Path, destination: Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk", "tnum"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODE_RANGES))
    subsetter.subset(font)
    subset.save_font(font, str(destination), options)


def font_face(name: str, weight: int, style: str) -> str:
    return (
        "@font-face {\n"
        '  font-family: "Fira Sans";\n'
        f'  src: url("fonts/{name}.woff2") format("woff2");\n'
        f"  font-weight: {weight};\n"
        f"  font-style: {style};\n"
        "  font-display: swap;\n"
        f"  unicode-range: {UNICODE_RANGES};\n"
        "}\n"
    )


def refresh(target: Path = TARGET) -> list[Path]:
    """Replace `target` with the stylesheet, licence and subset fonts; return the files written."""
    with tempfile.TemporaryDirectory() as tmp:
        package = download(Path(tmp))
        if target.exists():
            shutil.rmtree(target)
        (target / "fonts").mkdir(parents=True)
        shutil.copy(package / "dist" / "kern.min.css", target / "kern.min.css")
        shutil.copy(package / "LICENSE.md", target / "LICENSE.md")
        faces = []
        for name, weight, style in FONT_FACES:
            source = package / "dist" / "fonts" / "fira-sans" / f"{name}.woff2"
            subset_font(source, target / "fonts" / f"{name}.woff2")
            faces.append(font_face(name, weight, style))
        (target / "fonts.css").write_text(FONT_CSS_HEAD + "\n".join(faces), encoding="utf-8")
        (target / "VERSION").write_text(f"{PACKAGE} {VERSION}\n", encoding="utf-8")
    shutil.copy(Path(__file__).resolve().parent / "OFL.txt", target / "fonts" / "OFL.txt")
    return sorted(path for path in target.rglob("*") if path.is_file())


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    for path in refresh():
        print(f"{path.relative_to(TARGET.parent.parent.parent)}  {path.stat().st_size:>8} B")


if __name__ == "__main__":
    main()
