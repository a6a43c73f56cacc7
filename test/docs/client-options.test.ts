import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/registry.js';
import { repoRoot } from '../helpers.js';

// docs/client.md's table of which client command takes which option, against the commands' own option lists.
describe('docs/client.md lists the options each client command really takes', () => {
  const doc = readFileSync(path.join(repoRoot, 'docs/client.md'), 'utf8');
  for (const name of ['install', 'update', 'list', 'uninstall']) {
    it(name, async () => {
      const row = new RegExp(`^\\| \`${name}[^|]*\\| ([^\\n]*)\\|$`, 'm').exec(doc);
      expect(row, `a row for ${name}`).not.toBeNull();
      const documented = [...row![1]!.matchAll(/`--([a-z-]+)/g)].map((m) => m[1]).sort();
      const { command } = await commands[name]!();
      const { renamed = {} } = command as { renamed?: Record<string, string> };
      // Old spellings kept for a release are not documented as options of their own.
      const taken = Object.keys(command.options ?? {})
        .filter((o) => !(o in renamed))
        .sort();
      expect(documented).toEqual(taken);
    });
  }
});
