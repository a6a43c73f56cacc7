import type { ErrorSpec } from './diagnostic.js';

/** Store front inputs: categories, icons and screenshots. */
export const frontErrors = {
  CategoryUnknown: {
    code: 'E_CATEGORY_UNKNOWN',
    message: (category: string, known: string) => `Category "${category}" is not in the store's categories (${known}).`,
    hint: 'Use one of the ids listed under `categories` in store.yaml, or add the category there.',
  },
  MediaMissing: {
    code: 'E_MEDIA_MISSING',
    message: (file: string) => `Image ${file} does not exist in the app folder (or is not a regular file).`,
    hint: 'Commit the image inside the app folder; symbolic links and files outside the folder are not published.',
  },
  MediaTooLarge: {
    code: 'E_MEDIA_TOO_LARGE',
    message: (file: string, size: number, limit: number) => `Image ${file} has ${size} bytes; the limit is ${limit}.`,
    hint: 'Compress or scale the image down (icons 256 KiB, screenshots 2 MiB).',
  },
  MediaType: {
    code: 'E_MEDIA_TYPE',
    message: (file: string, expected: string) => `Image ${file} is not a ${expected} image (its first bytes say otherwise).`,
    hint: 'Images must be PNG, JPEG or WebP files whose extension matches their content.',
  },
} as const satisfies Record<string, ErrorSpec>;
