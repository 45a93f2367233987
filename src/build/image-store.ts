import type { BuildContextSource, BuildLimits, ImageBuildRequest, ImageInfo } from '../runtime/image-store.js';

export type { BuildContextSource, BuildLimits, ImageBuildRequest, ImageInfo };

/** What the builder needs from the container engine (DockerImageStore in production). */
export interface ImageStore {
  exists(tag: string): Promise<boolean>;
  /** Resolves once the image is built and tagged; rejects with a LauncherError. */
  build(request: ImageBuildRequest): Promise<void>;
  list(labels: Record<string, string>): Promise<ImageInfo[]>;
  remove(tagOrId: string): Promise<void>;
}
