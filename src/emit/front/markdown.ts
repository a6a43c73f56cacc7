import MarkdownIt from 'markdown-it';

// Descriptions and changelogs come from strangers' pull requests: raw HTML is off (written
// HTML shows as text), images are off (no remote loads from the store's pages), and only
// http(s), mailto and relative links survive.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false }).disable(['image']);

const SAFE_LINK = /^(https?:|mailto:|#|\/|\.\/|\.\.\/|[^:/?#]+(?:[/?#]|$))/i;
md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim()) && !/^\s*(javascript|vbscript|data|file):/i.test(url);

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener nofollow ugc');
  return self.renderToken(tokens, idx, options);
};

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** The level the text's biggest heading gets (the page's own headings come first). @default 3 */
  topHeading?: number;
}

/**
 * Markdown of a description or changelog as safe HTML: no raw HTML, no images, links limited
 * to http(s), mailto and relative URLs with `rel="noopener nofollow ugc"`, headings moved
 * below the page's own.
 */
export function renderMarkdown(text: string, opts: MarkdownOptions = {}): string {
  const tokens = md.parse(text, {});
  // The text's own top level (changelogs often start at `##`) becomes `topHeading`.
  const levels = tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1)));
  const shift = (opts.topHeading ?? 3) - Math.min(...levels, 6);
  for (const t of tokens) {
    if (t.type === 'heading_open' || t.type === 'heading_close') t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + shift)}`;
  }
  return md.renderer.render(tokens, md.options, {});
}

/** The words of a Markdown text without markup, cut to `max` characters (search index, feeds, cards). */
export function plainText(text: string, max: number): string {
  const words = md
    .parse(text, {})
    .flatMap((t) =>
      t.type === 'inline'
        ? [
            (t.children ?? [])
              .filter((c) => c.type === 'text' || c.type === 'code_inline')
              .map((c) => c.content)
              .join(''),
          ]
        : [],
    )
    .join(' ');
  const flat = words.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
