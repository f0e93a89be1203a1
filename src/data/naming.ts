/**
 * `ElevationLoader` → `elevation_loader`, `DEMLoader` → `dem_loader`, `Slope2D` → `slope2_d`... the
 * file names pygeodata gives to class outputs.
 * @example snakeCase('FigureElevation') // 'figure_elevation'
 */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}
