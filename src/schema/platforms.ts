// The names a store uses for operating systems and CPU architectures. Clients send these names
// (`os=`, `architecture=` in /update, folders of update/<app>/<channel>/<os>/<arch>/), so a
// release published under another spelling reaches no client: aliases are refused with the
// canonical word. A store can declare more names in store.yaml (`platforms:`), e.g. to keep an
// auto-update-server installation's own names.

/** Operating systems: `osx` and `windows` as auto-update-server names them. */
export const OS_NAMES: readonly string[] = ['windows', 'osx', 'linux', 'android', 'ios', 'freebsd', 'openbsd', 'nextcloud', 'web'];

/** CPU architectures; `any` for architecture-independent files, `universal` for macOS universal binaries. */
export const ARCH_NAMES: readonly string[] = [
  'x86',
  'x86-64',
  'arm64',
  'armv7',
  'armv6',
  'ppc64le',
  's390x',
  'riscv64',
  'universal',
  'any',
];

/** Spellings other tools use (Node.js, Go, Debian, uname), mapped to the store's word. */
const OS_ALIASES: Readonly<Record<string, string>> = {
  darwin: 'osx',
  macos: 'osx',
  mac: 'osx',
  macosx: 'osx',
  win: 'windows',
  win32: 'windows',
  win64: 'windows',
};

/** Architecture spellings of other tools, mapped to the store's word. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x64: 'x86-64',
  amd64: 'x86-64',
  x86_64: 'x86-64',
  ia32: 'x86',
  i386: 'x86',
  i686: 'x86',
  '386': 'x86',
  aarch64: 'arm64',
  arm: 'armv7',
  armhf: 'armv7',
  armv7l: 'armv7',
};

/** How a platform name stands: known, an alias of a known name, or unknown. */
export type PlatformName = { known: true } | { known: false; canonical?: string };

/** Looks a name up in the vocabulary plus the store's own additions. */
export function platformName(kind: 'os' | 'arch', name: string, extra: readonly string[] = []): PlatformName {
  const names = kind === 'os' ? OS_NAMES : ARCH_NAMES;
  if (names.includes(name) || extra.includes(name)) return { known: true };
  const canonical = (kind === 'os' ? OS_ALIASES : ARCH_ALIASES)[name.toLowerCase()];
  return { known: false, canonical };
}
