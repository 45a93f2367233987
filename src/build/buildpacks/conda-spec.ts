/**
 * Conda package specs (`numpy`, `numpy=1.26`, `conda-forge::numpy>=1.2,<2`, `numpy 1.26.*`,
 * `numpy=1.26.0=py311h64a7726_0`) read for what they ask for, and turned into pip requirements
 * where a PyPI package of the same meaning exists.
 */

export interface CondaSpec {
  /** Lower-case, without its channel. */
  name: string;
  /** PEP 440 clauses (`==1.26.*`, `>=1.2`), empty for any version. */
  clauses: string[];
}

const namePattern = /^(?:[A-Za-z0-9_.-]+::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*(.*)$/;
const versionPattern = /^[0-9A-Za-z.*+!_-]+$/;
const clausePattern = /^(==|>=|<=|!=|~=|>|<)\s*([0-9A-Za-z.*+!_-]+)$/;

/** The spec read, or a reason it cannot be (shown to the presenter). */
export function parseCondaSpec(text: string): CondaSpec | { problem: string } {
  const match = namePattern.exec(text.trim());
  if (!match) return { problem: `"${text}" is not a package spec` };
  const name = match[1]!.toLowerCase();
  const rest = match[2]!.trim();
  if (rest === '') return { name, clauses: [] };
  if (rest.includes('|')) return { problem: `"${text}": alternatives (|) cannot be installed with pip; give one version range` };
  if (rest.includes('[')) return { problem: `"${text}": bracketed conda selectors cannot be installed with pip` };
  // `=1.2` and `1.2` mean 1.2.* in conda; `=1.2=build` and `1.2 build` pin 1.2 exactly (the build is conda's).
  const exact = /^=?([0-9A-Za-z][0-9A-Za-z.*+!_-]*)(?:[= ]\S+)?$/.exec(rest);
  if (exact && !rest.startsWith('==')) {
    const version = exact[1]!;
    const hasBuild = /^=?[^= ]+[= ]\S+$/.test(rest);
    return { name, clauses: [version.endsWith('*') || hasBuild ? `==${version}` : `==${version}.*`] };
  }
  const clauses = rest.split(',').map((clause) => clause.trim());
  for (const clause of clauses) {
    const parts = clausePattern.exec(clause);
    if (!parts || !versionPattern.test(parts[2]!)) return { problem: `"${text}": "${clause}" is not a version constraint pip understands` };
  }
  return { name, clauses: clauses.map((clause) => clause.replace(/\s+/g, '')) };
}

/** Conda names whose PyPI package is called otherwise. */
const pypiNames: Record<string, string> = {
  pytorch: 'torch',
  pytables: 'tables',
  'matplotlib-base': 'matplotlib',
  'py-opencv': 'opencv-python',
  opencv: 'opencv-python',
  'msgpack-python': 'msgpack',
  'python-graphviz': 'graphviz',
  'pyqt': 'PyQt5',
};

/**
 * Packages that conda ships for its own Python and that the base image already has from Debian
 * (what `conda env export` lists beside the real dependencies): skipped.
 */
const providedByBase = new Set([
  'pip', 'python', '_libgcc_mutex', '_openmp_mutex', 'ca-certificates', 'certifi', 'openssl', 'bzip2', 'ld_impl_linux-64',
  'ncurses', 'readline', 'sqlite', 'tk', 'tzdata', 'xz', 'zlib', 'wheel', 'setuptools',
  'libgcc-ng', 'libgcc', 'libstdcxx-ng', 'libstdcxx', 'libgomp', 'libffi', 'libuuid', 'libzlib', 'libnsl', 'libsqlite', 'libxcrypt',
  'libexpat', 'liblzma', 'libbz2', 'libmpdec',
]);

/** What is plainly not a Python package: compilers, runtimes of other languages, C libraries. */
export function isNonPython(name: string): boolean {
  return /^(r|r-.+|nodejs|gcc.*|gxx.*|gfortran.*|clang.*|compilers|make|cmake|git|openjdk|julia|cudatoolkit|cudnn|cuda-.+|mkl|libblas|libcblas|liblapack|libopenblas)$/.test(name);
}

export function isProvidedByBase(name: string): boolean {
  return providedByBase.has(name);
}

/** The pip requirement for a conda spec of a Python package. */
export function pipRequirement(spec: CondaSpec): string {
  return `${pypiNames[spec.name] ?? spec.name}${spec.clauses.join(',')}`;
}

function versionParts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10)).map((part) => (Number.isNaN(part) ? 0 : part));
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Whether Python `available` (e.g. '3.11') satisfies the clauses (a pin like ==3.11.* or ==3.11.4 counts by its major.minor). */
export function pythonSatisfies(available: string, clauses: string[]): boolean {
  const have = versionParts(available);
  return clauses.every((clause) => {
    const [, op, version] = clausePattern.exec(clause)!;
    const wanted = versionParts(version!.replace(/\.?\*$/, ''));
    if (op === '==' || op === '~=') return compare(have.slice(0, Math.min(wanted.length, 2)), wanted.slice(0, 2)) === 0;
    const order = compare(have, wanted);
    if (op === '>=') return order >= 0;
    if (op === '>') return order > 0;
    if (op === '<=') return order <= 0;
    if (op === '<') return order < 0;
    return compare(have, wanted.slice(0, have.length)) !== 0;
  });
}
