import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { colorAt, colormapFromStops, colormapNames, getColormap, lutIndex, reverseColormap } from '../../src/render/index.js';

function hex(rgb: readonly number[]): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function entry(name: string, index: number): string {
  const lut = getColormap(name).lut;
  return hex([...lut.subarray(index * 3, index * 3 + 3)]);
}

describe('colormaps', () => {
  it('gives matplotlib viridis colours at 0, 0.25, 0.5, 0.75 and 1', () => {
    const viridis = getColormap('viridis');
    expect([0, 0.25, 0.5, 0.75, 1].map((f) => hex(colorAt(viridis, f)))).toEqual(['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725']);
  });

  it('maps a normalised value to a table entry by matplotlib rule floor(x * 256), clamped', () => {
    expect([-0.1, 0, 0.5, 0.99, 0.999, 1, 1.5, Number.NaN].map(lutIndex)).toEqual([0, 0, 128, 253, 255, 255, 255, 0]);
  });

  it('builds terrain from matplotlib segment data (ends #333399 and #ffffff, green at a quarter)', () => {
    expect(entry('terrain', 0)).toBe('#333399');
    expect(entry('terrain', 255)).toBe('#ffffff');
    // Entry 64 sits at 64/255 = 0.25098, t = 0.0039 into the segment (0, 0.8, 0.4) → (1, 1, 0.6):
    // (0.0039, 0.8008, 0.4008) * 255 rounds to (1, 204, 102).
    expect(entry('terrain', 64)).toBe('#01cc66');
  });

  it('makes gray entry i equal to (i, i, i)', () => {
    const lut = getColormap('gray').lut;
    for (let i = 0; i < 256; i++) expect([lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]]).toEqual([i, i, i]);
  });

  it('has ColorBrewer RdBu (red low, blue high) and Moreland coolwarm (blue low, red high) end colours', () => {
    expect([entry('RdBu', 0), entry('RdBu', 255)]).toEqual(['#67001f', '#053061']);
    expect([entry('coolwarm', 0), entry('coolwarm', 255)]).toEqual(['#3b4cc0', '#b40426']);
  });

  it('reverses any built-in colormap with _r', () => {
    const viridisR = getColormap('viridis_r');
    expect(viridisR.name).toBe('viridis_r');
    expect([hex(colorAt(viridisR, 0)), hex(colorAt(viridisR, 1))]).toEqual(['#fde725', '#440154']);
    expect(reverseColormap(viridisR).lut).toEqual(getColormap('viridis').lut);
  });

  it('interpolates custom stops spread evenly, two stops black to white giving gray', () => {
    expect(colormapFromStops(['#000000', [255, 255, 255]]).lut).toEqual(getColormap('gray').lut);
    expect(getColormap(['#f00', '#00f']).lut.subarray(0, 3)).toEqual(Uint8Array.of(255, 0, 0));
  });

  it('interpolates positioned stops', () => {
    const map = colormapFromStops([{ at: 0, color: '#000000' }, { at: 0.2, color: '#ff0000' }, { at: 1, color: '#ff00ff' }], 'fire');
    expect(map.name).toBe('fire');
    // Entry 51 is at 51/255 = 0.2 exactly; entry 255 is the last stop.
    expect([entry51(map.lut), hex([...map.lut.subarray(765, 768)])]).toEqual(['#ff0000', '#ff00ff']);
  });

  it('rejects an unknown name with an InvalidInputError that lists the available ones', () => {
    expect(() => getColormap('virdis')).toThrow(InvalidInputError);
    expect(() => getColormap('virdis')).toThrow(
      'unknown colormap "virdis"; available: viridis, terrain, gray, RdBu, coolwarm (each also reversed with _r',
    );
    expect(colormapNames()).toEqual(['viridis', 'terrain', 'gray', 'RdBu', 'coolwarm']);
  });

  it('rejects bad stops: too few, a bad colour, positions out of order or not spanning 0 to 1', () => {
    expect(() => colormapFromStops(['#000'])).toThrow('needs at least 2 colour stops');
    expect(() => colormapFromStops(['#000', 'red'])).toThrow(`colour "red" is not '#rrggbb'`);
    expect(() => colormapFromStops([{ at: 0, color: '#000' }, { at: 0.5, color: '#fff' }])).toThrow('the first stop must be at 0 and the last at 1');
    expect(() => colormapFromStops([{ at: 0, color: '#000' }, { at: 0.8, color: '#888' }, { at: 0.5, color: '#fff' }])).toThrow(
      'stop 2 is at 0.5; positions must rise from 0 to 1',
    );
    expect(() => colormapFromStops([{ at: 0, color: '#000' }, '#fff'])).toThrow('give a position ({ at, color }) to every stop or to none');
  });
});

function entry51(lut: Uint8Array): string {
  return hex([...lut.subarray(51 * 3, 51 * 3 + 3)]);
}
