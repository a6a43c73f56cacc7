import type { ErrorSpec } from './diagnostic.js';

/**
 * Reading the files a store consists of or names: confinement (nothing outside the store is
 * opened or described), size limits, file types and text encoding.
 */
export const fileErrors = {
  PathOutsideStore: {
    code: 'E_PATH_OUTSIDE_STORE',
    message: (field: string, value: string) => `${field} "${value}" points outside the store.`,
    hint: 'Paths in store files are relative and stay inside the store folder (no absolute paths, no ".." out of it); copy the file into the store.',
  },
  StoreSymlink: {
    code: 'E_SYMLINK',
    message: (link: string) => `${link} is a symbolic link; appshelf never follows links in a store.`,
    hint: 'Commit the file itself instead of a link (`git ls-files -s | grep ^120000` lists the links git holds).',
  },
  NotAFile: {
    code: 'E_NOT_A_FILE',
    message: (file: string) => `${file} is a folder where a file is expected.`,
    hint: 'Remove or rename the folder, or point the field at the file inside it.',
  },
  NotAFolder: {
    code: 'E_NOT_A_FOLDER',
    message: (file: string) => `${file} is a file where a folder is expected.`,
    hint: 'The store layout is store.yaml, apps/<id>/app.yaml, apps/<id>/releases/<version>.yaml; move the file into that layout.',
  },
  StoreSpecialFile: {
    code: 'E_SPECIAL_FILE',
    message: (file: string) => `${file} is not a regular file (a FIFO, socket or device).`,
    hint: 'Store files and archives must be plain files; remove it and commit the real file.',
  },
  FileTooLarge: {
    code: 'E_FILE_TOO_LARGE',
    message: (file: string, size: number, limit: number, what: string) =>
      `${file} is ${size} bytes, over the ${limit}-byte limit for ${what}.`,
    hint: (_file: string, _size: number, _limit: number, what: string) =>
      what === 'a store file'
        ? 'Store files are small YAML; split long text, or raise limits.storeFileSize in store.yaml when this one really must be larger.'
        : 'Raise the limit in store.yaml (limits) only if the file is meant to be this large.',
  },
  FileUtf16: {
    code: 'E_FILE_UTF16',
    message: (file: string) => `${file} is UTF-16 text; store files must be UTF-8.`,
    hint: 'Save the file as UTF-8 (most editors: "Save with encoding" → UTF-8).',
  },
  FileEncoding: {
    code: 'E_FILE_ENCODING',
    message: (file: string) => `${file} is not valid UTF-8 at this position.`,
    hint: 'Save the file as UTF-8; the byte at this position belongs to another encoding (Latin-1, Windows-1252 …).',
  },
  FileNul: {
    code: 'E_FILE_NUL',
    message: (file: string) => `${file} contains a NUL byte at this position.`,
    hint: 'Store files are text; remove the NUL byte (a binary file was probably saved under a .yaml name).',
  },
  YamlAliases: {
    code: 'E_YAML_ALIASES',
    message: (limit: number) => `YAML aliases expand to too much data (more than ${limit} uses of an anchor).`,
    hint: 'Write the values out instead of reusing anchors (&name / *name); store files never need many aliases.',
  },
  YamlTooDeep: {
    code: 'E_YAML_TOO_DEEP',
    message: (limit: number) => `The data is nested deeper than ${limit} levels.`,
    hint: 'Store files are a few levels deep; look for runaway brackets or indentation at this position.',
  },
} as const satisfies Record<string, ErrorSpec>;
