import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNonPython, isProvidedByBase, parseCondaSpec, pipRequirement, pythonSatisfies } from './conda-spec.js';

const asPip = (text: string) => {
  const spec = parseCondaSpec(text);
  if ('problem' in spec) throw new Error(spec.problem);
  return pipRequirement(spec);
};

describe('conda specs', () => {
  it('turns conda version specs into pip requirements with the same meaning', () => {
    const cases: [string, string][] = [
      ['numpy', 'numpy'],
      ['NumPy', 'numpy'],
      ['numpy=1.26', 'numpy==1.26.*'],
      ['numpy=1.26.*', 'numpy==1.26.*'],
      ['numpy 1.26', 'numpy==1.26.*'],
      ['numpy==1.26.4', 'numpy==1.26.4'],
      ['numpy=1.26.4=py311h64a7726_0', 'numpy==1.26.4'],
      ['numpy 1.26.4 py311h64a7726_0', 'numpy==1.26.4'],
      ['numpy>=1.20,<2', 'numpy>=1.20,<2'],
      ['numpy >=1.20', 'numpy>=1.20'],
      ['conda-forge::pandas=2.1', 'pandas==2.1.*'],
      ['pytorch=2.1', 'torch==2.1.*'],
      ['matplotlib-base', 'matplotlib'],
      ['scikit-learn!=1.3.0', 'scikit-learn!=1.3.0'],
    ];
    for (const [conda, pip] of cases) assert.equal(asPip(conda), pip, conda);
  });

  it('says what is wrong with specs pip cannot follow', () => {
    for (const [text, problem] of [
      ['numpy 1.2|1.4', /alternatives/], ['numpy[version=">=1"]', /bracketed/], ['numpy>=1.2;rm -rf /', /not a version constraint/],
      ['numpy $(id)', /not a version constraint/], ['-e .', /not a package spec/],
    ] as const) {
      const spec = parseCondaSpec(text);
      assert.ok('problem' in spec, text);
      assert.match(spec.problem, problem, text);
    }
  });

  it('knows what is not a Python package', () => {
    for (const name of ['r-base', 'r', 'nodejs', 'gcc', 'gxx_linux-64', 'libopenblas', 'cudatoolkit', 'openjdk']) assert.ok(isNonPython(name), name);
    for (const name of ['numpy', 'requests', 'rpy2', 'nodeenv', 'librosa', 'libpysal']) assert.ok(!isNonPython(name), name);
    for (const name of ['libgcc-ng', 'openssl', '_libgcc_mutex']) assert.ok(isProvidedByBase(name), name);
  });

  it('checks a Python pin against the one Python there is', () => {
    const accepts = [[], ['==3.11.*'], ['==3.*'], ['==3.11.4'], ['>=3.8'], ['>=3.8', '<3.13'], ['<=3.11'], ['!=3.10.*'], ['~=3.11']];
    const refuses = [['==3.10.*'], ['==3.12'], ['>=3.12'], ['<3.11'], ['==2.*'], ['>3.11']];
    for (const clauses of accepts) assert.equal(pythonSatisfies('3.11', clauses), true, clauses.join(','));
    for (const clauses of refuses) assert.equal(pythonSatisfies('3.11', clauses), false, clauses.join(','));
  });
});
