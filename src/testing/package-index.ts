import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerSandboxNetwork } from '../runtime/sandbox-network.js';

const run = promisify(execFile);

export interface LocalPackageIndex {
  /** The index's simple API root, e.g. http://127.0.0.1:1234/simple/ */
  url: string;
  /** Paths pip asked for. */
  requested: string[];
  close(): Promise<void>;
}

/** A PEP 503 simple index of the wheels in `dir`, served on `host` (loopback by default). */
export async function serveIndex(dir: string, host = '127.0.0.1'): Promise<{ server: Server; url: string; requested: string[] }> {
  const requested: string[] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requested.push(path);
    const wheels = await readdir(dir);
    const project = /^\/simple\/([^/]+)\/$/.exec(path)?.[1];
    const file = /^\/files\/([^/]+\.whl)$/.exec(path)?.[1];
    if (project !== undefined) {
      const links = wheels.filter((name) => name.toLowerCase().replace(/_/g, '-').startsWith(`${project}-`));
      res.writeHead(links.length > 0 ? 200 : 404, { 'content-type': 'text/html' });
      res.end(links.map((name) => `<a href="/files/${name}">${name}</a>`).join('\n'));
    } else if (file !== undefined && wheels.includes(file)) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(await readFile(join(dir, file)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}/simple/`, requested };
}

/**
 * Builds a one-module wheel `nblaunch-hello` (its greet() returns `greeting`) with pip inside the
 * base image (no network), and serves it from an index on `host` (loopback by default): what a
 * requirements.txt build needs where PyPI cannot be reached.
 */
export async function makeLocalPackageIndex(workDir: string, baseImage: string, greeting: string, host?: string): Promise<LocalPackageIndex> {
  const source = join(workDir, 'hello-src');
  const wheels = join(workDir, 'wheels');
  await mkdir(join(source, 'nblaunch_hello'), { recursive: true });
  await mkdir(wheels, { recursive: true });
  await writeFile(join(source, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "nblaunch-hello"\nversion = "1.0"\n');
  await writeFile(join(source, 'nblaunch_hello', '__init__.py'), `def greet():\n    return ${JSON.stringify(greeting)}\n`);
  // setuptools builds in the source tree, and the container runs as jovyan (uid 1000).
  for (const writable of [wheels, source, join(source, 'nblaunch_hello')]) await chmod(writable, 0o777);
  await run('docker', ['run', '--rm', '--network', 'none', '-v', `${source}:/src`, '-v', `${wheels}:/wheels`, baseImage,
    'pip', 'wheel', '--no-index', '--no-build-isolation', '--no-deps', '-w', '/wheels', '/src']);
  const index = await serveIndex(wheels, host);
  return { url: index.url, requested: index.requested, close: () => new Promise((resolve) => index.server.close(() => resolve())) };
}

/**
 * The same index where sandboxed builds of `instance` can reach it: on the host's address on the
 * instance's notebook network, with the `network.allow` entry that lets them through (as an
 * operator allows an internal mirror).
 */
export async function makeSandboxPackageIndex(workDir: string, baseImage: string, greeting: string, instance: string): Promise<LocalPackageIndex & { allow: string }> {
  const { gateway } = await new DockerSandboxNetwork(instance).ensure();
  const index = await makeLocalPackageIndex(workDir, baseImage, greeting, gateway);
  return { ...index, allow: new URL(index.url).host };
}
