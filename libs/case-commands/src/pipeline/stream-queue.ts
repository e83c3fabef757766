import { Mutex } from 'async-mutex';

/**
 * Commands on one case stream run one at a time in this process, in the order they arrived: a
 * second command on the same case waits for the first to append instead of racing it and losing
 * with 409 (issue 18 item 4). Commands on different cases run side by side. One mutex per stream
 * with commands in flight (async-mutex); the map forgets a stream when its last command is done,
 * so it holds only streams being written to. Conflicts with other processes remain: the
 * pipeline retries those (CONFLICT_RETRY).
 */
export class StreamQueue {
  private readonly streams = new Map<string, { readonly mutex: Mutex; waiting: number }>();

  async run<T>(streamId: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.streams.get(streamId);
    if (!entry) {
      entry = { mutex: new Mutex(), waiting: 0 };
      this.streams.set(streamId, entry);
    }
    entry.waiting += 1;
    try {
      return await entry.mutex.runExclusive(fn);
    } finally {
      entry.waiting -= 1;
      if (entry.waiting === 0) this.streams.delete(streamId);
    }
  }

  /** Streams with a command running or waiting (for tests). */
  get size(): number {
    return this.streams.size;
  }
}
