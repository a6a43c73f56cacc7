import { yankCommand } from './yank.js';

export const command = yankCommand(false);
