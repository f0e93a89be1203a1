import { escapeXml } from '../../escape-xml.js';
import { envelope } from './grid-facts.js';

/**
 * A small map of where a grid lies, drawn from the grid alone (no web tiles, works offline): a
 * lon/lat graticule around the footprint, the footprint outline, and a world inset with a dot
 * where it is. Longitudes are scaled by the cosine of the middle latitude, so shapes look as
 * they do on a map of that region.
 */

/** Options of {@link footprintSvg}. */
export interface FootprintSvgOptions {
  width?: number;
  height?: number;
  /** The accessible title. Default `Footprint`. */
  title?: string;
}

const NICE_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45, 90];
const INSET = { width: 96, height: 48, margin: 8 };

/**
 * The SVG of a footprint given as `[lon, lat]` points (a ring).
 * @example footprintSvg([[10, 46], [11, 46], [11, 47], [10, 47]], { title: 'Elevation' })
 */
export function footprintSvg(ring: ReadonlyArray<readonly [number, number]>, options: FootprintSvgOptions = {}): string {
  const width = options.width ?? 360;
  const height = options.height ?? 260;
  const [west, south, east, north] = envelope(ring);
  const centre: [number, number] = [(west + east) / 2, (south + north) / 2];
  const cos = Math.max(0.05, Math.cos((centre[1] * Math.PI) / 180));
  // The footprint takes about half the map, and never less than a tenth of a degree of it.
  const needX = Math.max((east - west) * cos * 2, 0.1 * cos);
  const needY = Math.max((north - south) * 2, 0.1);
  const scale = Math.min(width / needX, height / needY);
  const x = (lon: number) => width / 2 + (lon - centre[0]) * cos * scale;
  const y = (lat: number) => height / 2 - (lat - centre[1]) * scale;
  const lonSpan = width / (cos * scale);
  const latSpan = height / scale;
  const step = NICE_STEPS.find((s) => latSpan / s <= 6 && lonSpan / s <= 8) ?? 90;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#f8fafc" stroke="#cbd5e1"/>`);
  // Integer multiples of the step, so labels do not drift by accumulated rounding.
  for (let k = Math.ceil((centre[0] - lonSpan / 2) / step); k * step <= centre[0] + lonSpan / 2; k++) {
    const lon = k * step;
    const px = num(x(lon));
    parts.push(`<line x1="${px}" y1="0" x2="${px}" y2="${height}" stroke="#cbd5e1" stroke-width="1"/>`);
    parts.push(`<text x="${num(x(lon) + 3)}" y="${height - 4}" font-size="10" fill="#64748b">${escapeXml(degrees(lon, decimals, 'E', 'W'))}</text>`);
  }
  for (let k = Math.ceil((centre[1] - latSpan / 2) / step); k * step <= centre[1] + latSpan / 2; k++) {
    const lat = k * step;
    if (lat < -90 || lat > 90) continue;
    const py = num(y(lat));
    parts.push(`<line x1="0" y1="${py}" x2="${width}" y2="${py}" stroke="#cbd5e1" stroke-width="1"/>`);
    parts.push(`<text x="3" y="${num(y(lat) - 3)}" font-size="10" fill="#64748b">${escapeXml(degrees(lat, decimals, 'N', 'S'))}</text>`);
  }
  const path = ring.map(([lon, lat], i) => `${i === 0 ? 'M' : 'L'}${num(x(lon))},${num(y(lat))}`).join(' ');
  parts.push(`<path class="footprint" d="${path} Z" fill="#2563eb" fill-opacity="0.25" stroke="#1d4ed8" stroke-width="1.5"/>`);
  if ((east - west) * cos * scale < 4 && (north - south) * scale < 4) {
    parts.push(`<circle cx="${num(x(centre[0]))}" cy="${num(y(centre[1]))}" r="4" fill="none" stroke="#1d4ed8" stroke-width="1.5"/>`);
  }
  parts.push(worldInset(centre, width, height));

  const title = options.title ?? 'Footprint';
  const label = `${title}: ${degrees(west, 4, 'E', 'W')} to ${degrees(east, 4, 'E', 'W')}, ${degrees(south, 4, 'N', 'S')} to ${degrees(north, 4, 'N', 'S')}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="ui-monospace, 'DejaVu Sans Mono', monospace">`,
    `<title>${escapeXml(label)}</title>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** The whole world, small, in the top right corner, with the graticule every 30° and a dot at `centre`. */
function worldInset(centre: [number, number], width: number, height: number): string {
  const { width: w, height: h, margin } = INSET;
  const left = width - w - margin;
  const top = margin;
  const x = (lon: number) => left + ((lon + 180) / 360) * w;
  const y = (lat: number) => top + ((90 - lat) / 180) * h;
  const lines: string[] = [`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#ffffff" stroke="#94a3b8"/>`];
  for (let lon = -150; lon <= 150; lon += 30) lines.push(`<line x1="${num(x(lon))}" y1="${top}" x2="${num(x(lon))}" y2="${top + h}" stroke="#e2e8f0"/>`);
  for (let lat = -60; lat <= 60; lat += 30) lines.push(`<line x1="${left}" y1="${num(y(lat))}" x2="${left + w}" y2="${num(y(lat))}" stroke="#e2e8f0"/>`);
  const cx = Math.min(Math.max(x(centre[0]), left), left + w);
  const cy = Math.min(Math.max(y(centre[1]), top), top + h);
  lines.push(`<circle class="locator" cx="${num(cx)}" cy="${num(cy)}" r="3" fill="#dc2626"/>`);
  return `<g class="world">${lines.join('')}</g>`;
}

/** `10.5°E`, `46.25°N`, with `decimals` digits. */
function degrees(value: number, decimals: number, positive: string, negative: string): string {
  const rounded = Number(value.toFixed(decimals));
  if (rounded === 0) return '0°';
  return `${Math.abs(rounded).toFixed(decimals)}°${rounded > 0 ? positive : negative}`;
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
