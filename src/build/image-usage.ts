/** When each built image was last launched, for least-recently-used pruning. */
export interface ImageUsage {
  touch(image: string, now?: number): Promise<void>;
  all(): Promise<Map<string, number>>;
  forget(image: string): Promise<void>;
}
