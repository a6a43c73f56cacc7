function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys, two-space indent and a final newline: the same data gives the same bytes. */
export const stableJson = (value: unknown): string => JSON.stringify(sortKeysDeep(value), null, 2) + '\n';

/** Compact JSON with sorted keys, for manifests and anything that is hashed or signed. */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeysDeep(value));
