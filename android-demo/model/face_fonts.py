"""The fonts card faces are drawn in, each named with the Debian package that ships it
(harness/setup/system-packages.sh). A missing font is a clear error naming its package, never a
silent fallback to PIL's bitmap font (which would train on a face nobody draws).

Training faces (`card_faces.py`) use the generator's DejaVu and Noto CJK plus Open Sans, Lato and
Roboto; validation faces (`card_faces_val.py`) use URW base35 only. None of them is the held-out
suite's Liberation or FreeFont (nor Croscore, which Liberation 2 is drawn from).
"""
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

TRUETYPE = Path('/usr/share/fonts/truetype')
OPENTYPE = Path('/usr/share/fonts/opentype')

LATIN_TRAIN = {
    'fonts-dejavu-core': [TRUETYPE / 'dejavu' / f for f in ('DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf',
                                                             'DejaVuSerif-Bold.ttf', 'DejaVuSansMono.ttf')],
    'fonts-dejavu-extra': [TRUETYPE / 'dejavu' / f for f in ('DejaVuSansCondensed.ttf', 'DejaVuSans-ExtraLight.ttf')],
    'fonts-open-sans': [TRUETYPE / 'open-sans' / f for f in ('OpenSans-Regular.ttf', 'OpenSans-Bold.ttf', 'OpenSans-Light.ttf',
                                                              'OpenSans-Italic.ttf', 'OpenSans-CondBold.ttf', 'OpenSans-ExtraBold.ttf')],
    'fonts-lato': [TRUETYPE / 'lato' / f for f in ('Lato-Regular.ttf', 'Lato-Bold.ttf', 'Lato-Light.ttf', 'Lato-Black.ttf',
                                                    'Lato-Italic.ttf', 'Lato-Hairline.ttf')],
    'fonts-roboto-unhinted': [TRUETYPE / 'roboto' / 'unhinted' / f for f in (
        'RobotoTTF/Roboto-Regular.ttf', 'RobotoTTF/Roboto-Bold.ttf', 'RobotoTTF/Roboto-Light.ttf', 'RobotoTTF/Roboto-Black.ttf',
        'RobotoCondensed-Regular.ttf', 'RobotoCondensed-Bold.ttf')],
}
# Noto CJK collections: index 0-3 are the Japanese, Korean, Simplified and Traditional Chinese faces.
CJK_TRAIN = {'fonts-noto-cjk': [OPENTYPE / 'noto' / f for f in ('NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc',
                                                                  'NotoSerifCJK-Regular.ttc', 'NotoSerifCJK-Bold.ttc')]}
LATIN_VALIDATION = {'fonts-urw-base35': [OPENTYPE / 'urw-base35' / f for f in (
    'NimbusSans-Regular.otf', 'NimbusSans-Bold.otf', 'NimbusSansNarrow-Regular.otf', 'NimbusRoman-Regular.otf',
    'NimbusRoman-Bold.otf', 'NimbusMonoPS-Regular.otf', 'C059-Roman.otf', 'C059-Bold.otf', 'P052-Roman.otf',
    'P052-Italic.otf', 'URWBookman-Light.otf', 'URWBookman-Demi.otf', 'URWGothic-Book.otf', 'URWGothic-Demi.otf')]}


class MissingFont(RuntimeError):
    """A card-face font is not installed."""


def require(catalogue):
    """Every font path of a {package: [paths]} catalogue, checked to exist: MissingFont names the first
    missing file and its package."""
    paths = []
    for package, files in catalogue.items():
        for f in files:
            if not Path(f).is_file():
                raise MissingFont(f'card faces: font {f} is missing; install the Debian package {package} '
                                  '(harness/setup/system-packages.sh installs it)')
            paths.append(str(f))
    return paths


@lru_cache(maxsize=4096)
def font(path, size, index=0):
    """PIL's FreeType font at `size` pixels (cached: faces draw thousands of lines)."""
    return ImageFont.truetype(path, max(6, int(size)), index=index)
