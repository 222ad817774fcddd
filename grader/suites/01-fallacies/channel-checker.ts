/**
 * The application on top of the learners' channels, played by the grader: it sends numbered
 * payloads and checks every delivery the moment it happens (exactly once, in order per sender,
 * never a straggler from a sender's earlier incarnation), then checks at the end that nothing the
 * latest incarnation of each sender sent was lost.
 *
 * Payloads are opaque tokens, so an implementation cannot learn sequence numbers from them.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";

export interface SentMessage {
  from: NodeId;
  to: NodeId;
  /** Which incarnation of the sender sent it (1 = before any restart). */
  epoch: number;
  /** Position in the sender's stream to `to` within that incarnation, from 1. */
  index: number;
  sentAt: number;
  deliveredAt?: number;
  /** The opaque payload the application handed to the channel. */
  token: string;
}

export class ChannelChecker {
  private readonly byToken = new Map<string, SentMessage>();
  private readonly streams = new Map<string, SentMessage[]>();
  /** Per (sender, receiver, epoch): the last index delivered. */
  private readonly delivered = new Map<string, number>();
  /** Per (sender, receiver): the newest epoch any delivery came from. */
  private readonly newestEpoch = new Map<string, number>();
  private readonly epochs = new Map<NodeId, number>();
  /** Per node: its synced storage (as JSON) and the time, at each start. */
  private readonly boots = new Map<NodeId, { at: number; storage: string }[]>();
  deliveries = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Random,
  ) {}

  /** Called each time a node's instance is created: a restart begins a new incarnation. */
  started(node: NodeId): void {
    this.epochs.set(node, (this.epochs.get(node) ?? 0) + 1);
    const storage = JSON.stringify([...this.sim.storageOf(node).synced].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.boots.set(node, [...(this.boots.get(node) ?? []), { at: this.sim.now, storage }]);
  }

  /**
   * If `node` restarted with exactly the synced storage it had at its previous start, it had no way
   * to choose an incarnation number it never used: say so, since that is then the cause.
   */
  restartHint(node: NodeId, epoch: number): string {
    const boots = this.boots.get(node) ?? [];
    const now = boots[epoch - 1];
    const before = boots[epoch - 2];
    if (now === undefined || before === undefined || now.storage !== before.storage) return "";
    return (
      `. ${node} restarted at t=${Math.round(now.at)}ms with exactly the synced storage it had at its previous start (${now.storage === "[]" ? "nothing" : now.storage}), ` +
      "so it could not choose an incarnation number it had not used before: `set` the new number and `sync()` it before sending anything with it"
    );
  }

  /** Makes the next payload of the stream from -> to, and remembers it. */
  nextPayload(from: NodeId, to: NodeId): string {
    const epoch = this.epochs.get(from) ?? 1;
    const key = `${from}>${to}@${epoch}`;
    const stream = this.streams.get(key) ?? [];
    this.streams.set(key, stream);
    const token = `m${this.rng.nextUint32().toString(36)}${this.byToken.size.toString(36)}`;
    const message: SentMessage = { from, to, epoch, index: stream.length + 1, sentAt: this.sim.now, token };
    stream.push(message);
    this.byToken.set(token, message);
    return token;
  }

  /** The `ChannelApp.deliver` of node `at`. */
  deliver(at: NodeId, from: NodeId, payload: Json): void {
    const now = this.sim.now;
    const fail = (text: string): never => {
      throw new Violation(text, { time: now, node: at });
    };
    const m = typeof payload === "string" ? this.byToken.get(payload) : undefined;
    if (m === undefined) fail(`${at} delivered ${JSON.stringify(payload)} from ${from} at t=${now}ms, but no application ever sent that payload`);
    const sent = m as SentMessage;
    const name = `message ${sent.index} from ${sent.from}${sent.epoch > 1 ? ` (incarnation ${sent.epoch})` : ""}`;
    if (sent.to !== at) fail(`${at} delivered ${name} at t=${now}ms, but it was addressed to ${sent.to}`);
    if (from !== sent.from) fail(`${at} delivered ${name} at t=${now}ms saying it came from ${from}`);
    if (sent.deliveredAt !== undefined) {
      fail(`${name} delivered twice to ${at}: at t=${sent.deliveredAt}ms and again at t=${now}ms (sent at t=${sent.sentAt}ms)`);
    }
    const pair = `${sent.from}>${at}`;
    const newest = this.newestEpoch.get(pair) ?? 0;
    if (sent.epoch < newest) {
      fail(`${at} delivered ${name} at t=${now}ms after it had already delivered messages from ${sent.from}'s incarnation ${newest}: a straggler from before the restart must be discarded`);
    }
    const streamKey = `${pair}@${sent.epoch}`;
    const last = this.delivered.get(streamKey) ?? 0;
    if (sent.index !== last + 1) {
      const missing = sent.index === last + 2 ? `message ${last + 1} is missing` : `messages ${last + 1}-${sent.index - 1} are missing`;
      const hint = sent.epoch > 1 ? this.restartHint(sent.from, sent.epoch) : "";
      if (last === 0 && sent.index > last + 1) {
        const others = [...this.delivered].filter(([key, n]) => n > 0 && key.split(">")[1]?.split("@")[0] === at && !key.startsWith(`${sent.from}>`));
        const shared = others.length > 0 && sent.epoch === 1
          ? `. ${at} also receives from ${[...new Set(others.map(([key]) => key.split(">")[0]))].join(", ")} and had delivered ${others.reduce((sum, [, n]) => sum + n, 0)} messages from there: each sender numbers its own stream from the start, so keep what you expect next (and the early arrivals) per sender`
          : "";
        const whose = sent.epoch > 1 ? `${sent.from}'s incarnation ${sent.epoch}` : sent.from;
        fail(
          `${at} delivered ${name} at t=${now}ms as the first message from ${whose} (${missing}): ` +
            (sent.epoch > 1 ? "a restarted sender's new stream starts again at its first message, whichever of its packets arrives first (the first ones can be lost or overtaken)" : "a stream starts at its first message, whichever packet arrives first") +
            hint +
            shared,
        );
      }
      fail(`${at} delivered ${name} at t=${now}ms, but the last one it delivered from that stream was message ${last}: messages from one sender must be delivered in the order sent, with no gaps (${missing})${hint}`);
    }
    this.delivered.set(streamKey, sent.index);
    this.newestEpoch.set(pair, sent.epoch);
    sent.deliveredAt = now;
    this.deliveries++;
  }

  /** Whether `text` is a payload the application sent (packets carrying it are data packets). */
  isPayload(text: string): boolean {
    return this.byToken.has(text);
  }

  /** The message a payload stands for. */
  messageOf(token: string): Readonly<SentMessage> | undefined {
    return this.byToken.get(token);
  }

  /** Messages of the latest incarnation of each sender, in each stream's order. */
  latestStreams(): Readonly<SentMessage>[][] {
    return [...this.streams.values()].filter((stream) => (stream[0] as SentMessage).epoch === (this.epochs.get((stream[0] as SentMessage).from) ?? 1));
  }

  /**
   * Every message the latest incarnation of each sender sent must have been delivered. `explain`
   * says what the trace shows about the first one that was not.
   */
  checkAllDelivered(why: string, explain?: (lost: Readonly<SentMessage>) => string): void {
    for (const [key, stream] of this.streams) {
      const first = stream[0] as SentMessage;
      if (first.epoch !== (this.epochs.get(first.from) ?? 1)) continue;
      const lost = stream.find((m) => m.deliveredAt === undefined);
      if (lost) {
        throw new Violation(
          `message ${lost.index} from ${lost.from} to ${lost.to} (sent at t=${lost.sentAt}ms) was never delivered by t=${this.sim.now}ms, ${why}` +
            ` (${stream.filter((m) => m.deliveredAt !== undefined).length} of ${stream.length} in that stream were delivered; stream ${key})` +
            (explain ? `. ${explain(lost)}` : "") +
            (lost.epoch > 1 ? this.restartHint(lost.from, lost.epoch) : ""),
          { time: this.sim.now, node: lost.to },
        );
      }
    }
  }

  /**
   * What `checkAllDelivered` holds to its deadline, as figures: the latest delivery time among the
   * messages it requires (those of each sender's latest incarnation), and how many of them were
   * missing (never delivered). `lastAt` is undefined when nothing was required or nothing was delivered.
   */
  deliveryFigures(): { lastAt: number | undefined; missing: number } {
    let lastAt: number | undefined;
    let missing = 0;
    for (const stream of this.latestStreams()) {
      for (const m of stream) {
        if (m.deliveredAt === undefined) missing++;
        else lastAt = Math.max(lastAt ?? m.deliveredAt, m.deliveredAt);
      }
    }
    return { lastAt, missing };
  }

  /** How many messages the application has handed to the channels. */
  get sent(): number {
    return this.byToken.size;
  }
}
