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

interface SentMessage {
  from: NodeId;
  to: NodeId;
  /** Which incarnation of the sender sent it (1 = before any restart). */
  epoch: number;
  /** Position in the sender's stream to `to` within that incarnation, from 1. */
  index: number;
  sentAt: number;
  deliveredAt?: number;
}

export class ChannelChecker {
  private readonly byToken = new Map<string, SentMessage>();
  private readonly streams = new Map<string, SentMessage[]>();
  /** Per (sender, receiver, epoch): the last index delivered. */
  private readonly delivered = new Map<string, number>();
  /** Per (sender, receiver): the newest epoch any delivery came from. */
  private readonly newestEpoch = new Map<string, number>();
  private readonly epochs = new Map<NodeId, number>();
  deliveries = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Random,
  ) {}

  /** Called each time a node's instance is created: a restart begins a new incarnation. */
  started(node: NodeId): void {
    this.epochs.set(node, (this.epochs.get(node) ?? 0) + 1);
  }

  /** Makes the next payload of the stream from -> to, and remembers it. */
  nextPayload(from: NodeId, to: NodeId): string {
    const epoch = this.epochs.get(from) ?? 1;
    const key = `${from}>${to}@${epoch}`;
    const stream = this.streams.get(key) ?? [];
    this.streams.set(key, stream);
    const token = `m${this.rng.nextUint32().toString(36)}${this.byToken.size.toString(36)}`;
    const message: SentMessage = { from, to, epoch, index: stream.length + 1, sentAt: this.sim.now };
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
      fail(`${at} delivered ${name} at t=${now}ms, but the last one it delivered from that stream was message ${last}: messages from one sender must be delivered in the order sent, with no gaps (message ${last + 1} is missing)`);
    }
    this.delivered.set(streamKey, sent.index);
    this.newestEpoch.set(pair, sent.epoch);
    sent.deliveredAt = now;
    this.deliveries++;
  }

  /** Every message the latest incarnation of each sender sent must have been delivered. */
  checkAllDelivered(why: string): void {
    for (const [key, stream] of this.streams) {
      const first = stream[0] as SentMessage;
      if (first.epoch !== (this.epochs.get(first.from) ?? 1)) continue;
      const lost = stream.find((m) => m.deliveredAt === undefined);
      if (lost) {
        throw new Violation(
          `message ${lost.index} from ${lost.from} to ${lost.to} (sent at t=${lost.sentAt}ms) was never delivered by t=${this.sim.now}ms, ${why}` +
            ` (${stream.filter((m) => m.deliveredAt !== undefined).length} of ${stream.length} in that stream were delivered; stream ${key})`,
          { time: this.sim.now, node: lost.to },
        );
      }
    }
  }

  /** How many messages the application has handed to the channels. */
  get sent(): number {
    return this.byToken.size;
  }
}
