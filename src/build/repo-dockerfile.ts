import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { invalidFile } from './buildpacks/refusal.js';

/**
 * A repo's own Dockerfile, checked before the engine sees it. The classic builder fetches an
 * `ADD <url>` itself, on the host's network (loopback services included), and shows what it got
 * in the build log; it also pulls `FROM`/`COPY --from` images from whatever registry is named.
 * So a repo build may name no URL the daemon would fetch: remote sources belong in a RUN step,
 * which runs in the build's own network. Parsed with dockerfile-ast (continuations, the
 * `# escape=` directive, JSON form, flags, ONBUILD), as the engine reads it.
 */
export function checkRepoDockerfile(text: string, path: string): string {
  const parsed = DockerfileParser.parse(text);
  const lines = text.split(/\r?\n/);
  const globalArgs = new Map<string, string>();
  let seenFrom = false;
  for (const instruction of parsed.getInstructions()) {
    const trigger = instruction.getKeyword() === 'ONBUILD' ? (instruction as unknown as { getTriggerInstruction(): Instruction | null }).getTriggerInstruction() : instruction;
    const { start, end } = instruction.getRange();
    if (instruction.getKeyword() === 'FROM') seenFrom = true;
    if (instruction.getKeyword() === 'ARG' && !seenFrom) rememberArg(instruction, globalArgs);
    if (trigger) checkInstruction(trigger, path, lines.slice(start.line, end.line + 1).join('\n'), globalArgs);
  }
  return text;
}

/** `ARG NAME=value` before the first FROM: what `FROM $NAME` becomes (nblaunch passes no build argument that could change it). */
function rememberArg(instruction: Instruction, args: Map<string, string>): void {
  for (const argument of instruction.getArguments().map((value) => value.getValue())) {
    const equals = argument.indexOf('=');
    if (equals > 0) args.set(argument.slice(0, equals), argument.slice(equals + 1).replace(/^(["'])(.*)\1$/, '$2'));
  }
}

/** An image reference with the global ARGs put in; `$` left means nblaunch cannot tell the image. */
function expandArgs(image: string, args: Map<string, string>): string {
  return image.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => args.get((braced ?? bare)!) ?? whole);
}

/**
 * A source as the engine may read it, or more: the parser keeps quotes the engine removes, and
 * drops a JSON escape's backslash, so quotes and escape characters are removed before matching,
 * and a JSON `\u` escape is refused outright.
 */
function looksRemote(source: string, raw: string): boolean {
  const bare = source.replace(/["'\\`]/g, '');
  return remoteSource.test(bare) || bare.includes('$') || /\\u/i.test(raw);
}

function checkInstruction(instruction: Instruction, path: string, raw: string, globalArgs: Map<string, string>): void {
  const keyword = instruction.getKeyword();
  const line = instruction.getRange().start.line + 1;
  if (keyword === 'ADD') {
    for (const source of sourcesOf(instruction)) {
      if (looksRemote(source, raw)) {
        throw invalidFile(path, 'dockerfile-remote-source', `ADD ${JSON.stringify(source.slice(0, 120))}: nblaunch does not let the Docker engine fetch URLs for a build (it would fetch them from the build machine itself). Download it in a RUN step instead (RUN curl -fsSL <url> -o <file>), which runs in the build's own network; for a file in the repo, write it without variables or use COPY.`, line);
      }
    }
  }
  for (const written of imagesOf(instruction)) {
    const image = expandArgs(written, globalArgs);
    if (image.includes('$')) {
      throw invalidFile(path, 'dockerfile-remote-source', `${keyword} ${JSON.stringify(written.slice(0, 120))}: nblaunch cannot tell which image this is (a variable without an ARG default before the first FROM); write the image name, or give the ARG a default.`, line);
    }
    if (localRegistry(image)) {
      throw invalidFile(path, 'dockerfile-remote-source', `${keyword} ${JSON.stringify(image.slice(0, 120))}: nblaunch does not pull images from a registry on the build machine or a private address; use an image from a public registry.`, line);
    }
  }
}

/** A scheme (http:, git:, ssh: ...), or an scp-style git address (git@host:repo). */
const remoteSource = /^([a-z][a-z0-9+.-]*:|[^/\s]+@[^/\s]+:)/i;

function argumentValues(instruction: Instruction): { values: string[]; flags: { name: string; value: string }[] } {
  const withJson = instruction as unknown as { getJSONStrings?(): { getValue(): string }[]; getFlags?(): { getName(): string; getValue(): string | null }[] };
  const json = withJson.getJSONStrings?.() ?? [];
  const values = json.length > 0 ? json.map((value) => JSON.parse(value.getValue()) as string) : instruction.getArguments().map((argument) => argument.getValue());
  const flags = (withJson.getFlags?.() ?? []).map((flag) => ({ name: flag.getName(), value: flag.getValue() ?? '' }));
  return { values, flags };
}

/** Every argument but the destination. */
function sourcesOf(instruction: Instruction): string[] {
  return argumentValues(instruction).values.slice(0, -1);
}

/** Images an instruction makes the engine pull: FROM's image, COPY --from's. */
function imagesOf(instruction: Instruction): string[] {
  const keyword = instruction.getKeyword();
  const { values, flags } = argumentValues(instruction);
  if (keyword === 'FROM') return values.filter((value) => !value.startsWith('--')).slice(0, 1);
  if (keyword === 'COPY') return flags.filter((flag) => flag.name === 'from').map((flag) => flag.value);
  return [];
}

/** A registry named by localhost or an IP literal (DNS names are the operator's firewall's job). */
function localRegistry(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash === -1) return false;
  const registry = image.slice(0, slash).toLowerCase();
  if (!registry.includes('.') && !registry.includes(':') && registry !== 'localhost') return false;
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0]!;
  return host === 'localhost' || host.endsWith('.localhost') || /^[\d.]+$/.test(host) || host.includes(':') || /^0x/i.test(host);
}
