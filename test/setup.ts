import { afterAll } from 'vitest';
import { endOfFile } from './helpers.js';

// Runs for every test file (helper modules run once per worker): its servers closed, its temporary folders removed.
afterAll(endOfFile);
