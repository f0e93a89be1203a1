/** 16 random hex digits, for temporary names nobody can guess or plant. */
export function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}
