/**
 * The name a class was declared with. An esbuild bundle names a class that refers to itself
 * `_Name` (`var Name = class _Name { … _Name.LIMIT … }`), so its runtime name has a leading
 * underscore that Node's does not: that underscore goes. Other names are `cls.name` as they are.
 * For whatever keys classes by name (the registry, dependency trees).
 *
 * @example
 * declaredClassName(bundled.TerrainDataset); // 'TerrainDataset', where cls.name is '_TerrainDataset'
 */
export function declaredClassName(cls: Function): string {
  const name = cls.name;
  if (!/^_[A-Za-z$][\w$]*$/.test(name)) return name;
  const text = Function.prototype.toString.call(cls);
  const head = new RegExp(`^class\\s+${name.replace(/\$/g, '\\$')}\\b`);
  if (!head.test(text)) return name;
  const selfReference = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  return (text.match(selfReference)?.length ?? 0) > 1 ? name.slice(1) : name;
}
