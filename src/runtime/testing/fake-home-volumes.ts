import { Readable } from 'node:stream';
import { LauncherError } from '../../errors/launcher-error.js';
import type { ArchiveEntry, HomeVolumeInfo, HomeVolumes } from '../home-volumes.js';
import { labelKeys } from '../labels.js';

export interface FakeVolume {
  name: string;
  labels: Record<string, string>;
  /** Path to content: what the test pretends the attendee wrote. */
  files: Map<string, string>;
}

/**
 * Home volumes in memory. FakeSpawner creates them on a start with a home, and says which
 * are in use. The "archive" is a plain-text listing `folder/path` per line, not a tar.
 */
export class FakeHomeVolumes implements HomeVolumes {
  readonly volumes = new Map<string, FakeVolume>();
  readonly archives: ArchiveEntry[][] = [];
  /** Set by the FakeSpawner: names of volumes some container (running or stopped) uses. */
  inUse: () => Set<string> = () => new Set();

  ensure(name: string, labels: Record<string, string>): FakeVolume {
    let volume = this.volumes.get(name);
    if (!volume) {
      volume = { name, labels: { ...labels }, files: new Map() };
      this.volumes.set(name, volume);
    }
    return volume;
  }

  async list(workshop?: string): Promise<HomeVolumeInfo[]> {
    return [...this.volumes.values()]
      .filter((volume) => !workshop || volume.labels[labelKeys.workshop] === workshop)
      .map((volume) => ({ name: volume.name, workshop: volume.labels[labelKeys.workshop] ?? '', attendeeId: volume.labels[labelKeys.attendee] ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** (volume, image) pairs asked to take new files from an image. */
  readonly newFileCopies: Array<{ volume: string; image: string }> = [];

  async addNewFiles(volume: string, image: string): Promise<void> {
    this.newFileCopies.push({ volume, image });
  }

  /** Bytes `usage` answers per volume (tests set them). */
  readonly sizes = new Map<string, number>();

  async usage(volumes: string[]): Promise<Map<string, number>> {
    return new Map(volumes.filter((volume) => this.sizes.has(volume)).map((volume) => [volume, this.sizes.get(volume)!]));
  }

  async remove(name: string): Promise<void> {
    if (this.inUse().has(name)) throw new LauncherError(409, 'volume-in-use', `The volume ${name} is still used by a container.`);
    this.volumes.delete(name);
  }

  async archive(entries: ArchiveEntry[]): Promise<Readable> {
    this.archives.push(entries.map((entry) => ({ ...entry })));
    const lines = entries.flatMap((entry) => [...(this.volumes.get(entry.volume)?.files.keys() ?? [])].map((path) => `${entry.folder}/${path}\n`));
    return Readable.from(lines);
  }
}
