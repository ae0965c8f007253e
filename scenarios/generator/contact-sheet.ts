/** A contact sheet of a suite: one frame per scenario with its truth quads drawn, as a PNG. */
import sharp from 'sharp';
import type { BuiltSuite } from './types.ts';
import { escapeMarkup } from '../../harness/src/render/markup.ts';

const TILE_W = 320, TILE_H = 200, LABEL_H = 20, COLUMNS = 6;


/** Writes the sheet and returns how many tiles it holds. */
export async function writeContactSheet(suite: BuiltSuite, outPath: string, maxTiles = 120): Promise<number> {
  const picks = suite.scenarios.slice(0, maxTiles).map((s) => {
    const withCard = s.frames.filter((f) => !f.negative);
    const f = (withCard.length ? withCard : s.frames)[Math.floor((withCard.length ? withCard : s.frames).length / 2)]!;
    return { s, f };
  });
  const tiles = await Promise.all(picks.map(async ({ s, f }) => {
    const scale = Math.min(TILE_W / f.width, (TILE_H - LABEL_H) / f.height);
    const w = Math.round(f.width * scale), h = Math.round(f.height * scale);
    const polys = f.cards.map((c) => {
      const pts = c.quad.map(([x, y]) => `${(x * scale).toFixed(1)},${(y * scale).toFixed(1)}`).join(' ');
      const [x0, y0] = c.quad[0];
      return `<polygon points="${pts}" fill="none" stroke="#00ff66" stroke-width="1.5"/><circle cx="${x0 * scale}" cy="${y0 * scale}" r="3" fill="#ff2d55"/>`;
    }).join('');
    const frame = await sharp(f.path).resize(w, h).composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${polys}</svg>`) }]).png().toBuffer();
    const label = `${s.id} · ${f.lighting.tags.join(',')}${f.negative ? ' · negative' : ''}`;
    const labelSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE_W}" height="${LABEL_H}"><rect width="100%" height="100%" fill="#111"/><text x="4" y="14" font-family="DejaVu Sans" font-size="11" fill="#eee">${escapeMarkup(label.slice(0, 52))}</text></svg>`;
    return sharp({ create: { width: TILE_W, height: TILE_H, channels: 3, background: '#222' } })
      .composite([{ input: frame, left: Math.round((TILE_W - w) / 2), top: LABEL_H }, { input: Buffer.from(labelSvg), left: 0, top: 0 }]).png().toBuffer();
  }));
  const rows = Math.max(1, Math.ceil(tiles.length / COLUMNS));
  await sharp({ create: { width: COLUMNS * TILE_W, height: rows * TILE_H, channels: 3, background: '#000' } })
    .composite(tiles.map((t, i) => ({ input: t, left: (i % COLUMNS) * TILE_W, top: Math.floor(i / COLUMNS) * TILE_H })))
    .png().toFile(outPath);
  return tiles.length;
}
