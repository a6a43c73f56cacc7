// The remote inventory: what a bucket prefix holds, kept as one small object beside the site so a
// deploy never lists millions of keys. It names content, not files: a real site file by its
// sha256, a link by its target in the objects folder (content-addressed: same target, same bytes).

/** `<prefix>.appshelf/inventory.json`: what the last deploy steps put under the prefix. */
export interface Inventory {
  format: 1;
  /** Site path of each real site file uploaded → its sha256. */
  files: Record<string, string>;
  /** Site path of each link whose every file is uploaded below (or at) it → its target. */
  links: Record<string, string>;
  /** Key (relative to the prefix) that no site file names any more → when that was first seen (ISO 8601). */
  unreferenced: Record<string, string>;
}

/** Where the inventory lives, relative to the prefix. */
export const INVENTORY_KEY = '.appshelf/inventory.json';

/** An empty bucket prefix. */
const emptyInventory = (): Inventory => ({ format: 1, files: {}, links: {}, unreferenced: {} });

/** Parses an inventory; anything not recognised counts as empty (every file is then compared with the bucket again). */
export function parseInventory(text: string | undefined): Inventory {
  if (text === undefined) return emptyInventory();
  try {
    const v = JSON.parse(text) as Partial<Inventory>;
    const isMap = (m: unknown): m is Record<string, string> =>
      typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).every((s) => typeof s === 'string');
    if (v.format === 1 && isMap(v.files) && isMap(v.links) && isMap(v.unreferenced))
      return { format: 1, files: v.files, links: v.links, unreferenced: v.unreferenced };
  } catch {
    // written by something else, or cut short: start over
  }
  return emptyInventory();
}

/** The bytes stored: keys sorted, one entry a line (diffable when downloaded by hand). */
export function serializeInventory(inv: Inventory): string {
  const map = (m: Record<string, string>) => {
    const keys = Object.keys(m).sort();
    return keys.length ? `{\n${keys.map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(m[k])}`).join(',\n')}\n  }` : '{}';
  };
  return `{\n  "format": 1,\n  "files": ${map(inv.files)},\n  "links": ${map(inv.links)},\n  "unreferenced": ${map(inv.unreferenced)}\n}\n`;
}
