import MiniSearch from 'minisearch';
import type { FrontCard } from './types.js';

/**
 * The options the index is built with; `assets/search.js` loads it with the same ones
 * (MiniSearch.loadJSON needs them), so they live in the index file too.
 */
const SEARCH_OPTIONS = {
  idField: 'id',
  fields: ['name', 'summary', 'text', 'categories', 'id'],
} as const;

/**
 * `search-index.json`: a MiniSearch index built here (the browser loads it instead of indexing
 * 1,000 apps itself) and the documents results are shown from.
 */
export function searchIndexJson(cards: readonly FrontCard[]): string {
  const ms = new MiniSearch<{ id: string; name: string; summary: string; text: string; categories: string }>({
    ...SEARCH_OPTIONS,
    fields: [...SEARCH_OPTIONS.fields],
  });
  ms.addAll(cards.map((c) => ({ id: c.id, name: c.name, summary: c.summary, text: c.text, categories: c.categories.join(' ') })));
  const docs = cards.map((c) => ({
    id: c.id,
    name: c.name,
    summary: c.summary,
    icon: c.icon,
    categories: c.categories,
    platforms: c.platforms,
    latest: c.latest,
  }));
  return `${JSON.stringify({ version: 1, options: SEARCH_OPTIONS, docs, index: ms.toJSON() })}\n`;
}
