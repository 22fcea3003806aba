// When a capture's client commands ran, from MONITOR's timestamps: the first and the last, and how many
// commands fell between, so a report can say "2 min 10 s, 3,400 commands/s" overall and per node.

export interface TimeSpanJSON {
  /** Microseconds since the epoch; null before the first timed command. */
  firstMicros: number | null;
  lastMicros: number | null;
  commands: number;
}

export class TimeSpan {
  /** +Infinity / -Infinity while empty, so the hot path is two compares. */
  private first = Infinity;
  private last = -Infinity;
  commands = 0;

  /** One client command at `micros` (MONITOR's `seconds.micros`; 0 when the record had no time). */
  add(micros: number): void {
    if (micros <= 0) return;
    this.commands++;
    if (micros < this.first) this.first = micros;
    if (micros > this.last) this.last = micros;
  }

  get empty(): boolean {
    return this.commands === 0;
  }

  get firstMicros(): number | null {
    return this.empty ? null : this.first;
  }

  get lastMicros(): number | null {
    return this.empty ? null : this.last;
  }

  /** Seconds from the first command to the last (0 for one command or none). */
  get seconds(): number {
    return this.empty ? 0 : (this.last - this.first) / 1e6;
  }

  /** Commands per second over the span; null when the span is empty or a single instant. */
  get perSecond(): number | null {
    return this.seconds > 0 ? this.commands / this.seconds : null;
  }

  merge(other: TimeSpan): void {
    this.commands += other.commands;
    if (other.first < this.first) this.first = other.first;
    if (other.last > this.last) this.last = other.last;
  }

  toJSON(): TimeSpanJSON {
    return { firstMicros: this.firstMicros, lastMicros: this.lastMicros, commands: this.commands };
  }

  static fromJSON(json: TimeSpanJSON): TimeSpan {
    const t = new TimeSpan();
    t.commands = json.commands;
    if (json.firstMicros !== null && json.lastMicros !== null) [t.first, t.last] = [json.firstMicros, json.lastMicros];
    return t;
  }
}
