import Docker from 'dockerode';
import { labelKeys } from './labels.js';

export interface ServerDiskUse {
  /** The server's id (its session label). */
  id: string;
  /** What the server wrote on top of its image (SizeRw); a home volume is not counted. */
  bytes: number;
}

/**
 * What each running notebook server of this instance wrote to its container's own disk. Without
 * a storage quota (overlay2 on ext4 has none), this is how a server past its limit is found.
 */
export class ServerDiskUsage {
  private readonly docker: Docker;

  constructor(private readonly instance: string, socketPath?: string) {
    this.docker = socketPath ? new Docker({ socketPath }) : new Docker();
  }

  async overLimit(maxBytes: number): Promise<ServerDiskUse[]> {
    const containers = await this.docker.listContainers({ size: true, filters: { label: [`${labelKeys.instance}=${this.instance}`, labelKeys.session] } });
    return (containers as (Docker.ContainerInfo & { SizeRw?: number })[])
      .filter((container) => (container.SizeRw ?? 0) > maxBytes)
      .map((container) => ({ id: container.Labels[labelKeys.session]!, bytes: container.SizeRw ?? 0 }));
  }
}
