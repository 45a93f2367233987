import type { Readable } from 'node:stream';

/** An attendee's home volume as the Docker engine lists it (by its labels). */
export interface HomeVolumeInfo {
  name: string;
  workshop: string;
  attendeeId: string;
}

export interface ArchiveEntry {
  volume: string;
  /** The folder the volume's files go under in the archive. */
  folder: string;
}

/** The named volumes holding attendees' files: listed, archived and deleted only on an organizer's request. */
export interface HomeVolumes {
  /** Home volumes of this launcher instance; of one workshop when given. */
  list(workshop?: string): Promise<HomeVolumeInfo[]>;
  /** Deletes a volume (nothing when it is gone); 409 `volume-in-use` while a container uses it. */
  remove(name: string): Promise<void>;
  /**
   * A gzipped tar of the volumes, each under its folder, written by a short-lived helper
   * container that mounts them read-only and is removed when the archive ends or its reader leaves.
   */
  archive(entries: ArchiveEntry[]): Promise<Readable>;
  /**
   * Copies into the volume the files of `image`'s home that the volume does not have yet
   * (a workshop's repo was updated): nothing the attendee has is ever overwritten.
   */
  addNewFiles(volume: string, image: string): Promise<void>;
  /**
   * Bytes each volume holds, measured by one short-lived helper that mounts them read-only and
   * may read every folder (an attendee cannot hide files from it with chmod). A volume that
   * could not be measured is missing from the answer.
   */
  usage(volumes: string[]): Promise<Map<string, number>>;
}
