import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes or a string. */
export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
