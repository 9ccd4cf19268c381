/**
 * Collects a stream's bytes up to a budget, keeping the head and the tail: a failing test run usually
 * shows what it was doing at the start and why it failed at the end, so both ends matter more than the middle.
 */
export class CappedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(readonly maxBytes: number) {
    this.headLimit = Math.ceil(maxBytes / 2);
    this.tailLimit = maxBytes - this.headLimit;
  }

  get truncated(): boolean {
    return this.total > this.maxBytes;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(this.headLimit - this.headBytes, chunk.length);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0 || this.tailLimit === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Drop whole chunks that lie entirely before the last `tailLimit` bytes; the rest is sliced in text().
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= this.tailLimit) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head);
    if (!this.truncated) return Buffer.concat([head, ...this.tail]).toString('utf8');
    let tail = Buffer.concat(this.tail);
    tail = tail.subarray(tail.length - this.tailLimit);
    // Start the tail on a character boundary rather than in the middle of a UTF-8 sequence.
    let start = 0;
    while (start < tail.length && start < 3 && (tail[start] & 0xc0) === 0x80) start++;
    const cut = this.total - head.length - tail.length + start;
    return `${head.toString('utf8')}\n…[${cut} bytes cut]…\n${tail.subarray(start).toString('utf8')}`;
  }
}
