/**
 * Lab 1 Part B: a reliable channel over an unreliable network.
 *
 * The simulated network may lose, duplicate, delay and reorder any message, partition nodes for a
 * long time, and crash and restart them (a restarted node is a fresh object: only what it synced to
 * `ctx.storage` survives). On top of that, deliver every payload sent with `send(to, payload)` to
 * `to`'s application exactly once and in the order it was sent, via `app.deliver(from, payload)`.
 *
 * Each node is both a sender (to each peer) and a receiver (from each peer). A plan that works:
 *
 * Sender, per destination
 * - Number messages with sequence numbers (per destination, starting fresh with each incarnation).
 * - Keep each message until an ack covers it, and retransmit what is unacknowledged when a timer
 *   fires. The network may be down for seconds: back off (double the timeout each time nothing
 *   gets through, up to a cap) and go back to a short timeout once acks arrive again.
 * - Keep at most a bounded window of messages in flight; queue the rest until acks make room.
 *
 * Receiver, per source
 * - Remember the next sequence number you expect. Deliver it when it arrives, then anything
 *   buffered right after it. Hold a bounded number of early arrivals; drop what is already
 *   delivered (a duplicate) or too far ahead (it will be retransmitted).
 * - Ack cumulatively ("I have delivered everything below n"), and re-ack duplicates too: a duplicate
 *   often means your previous ack was lost.
 * - Your state must stay small however many messages go by: no set of every message ever seen.
 *
 * Crashes: a restarted sender has forgotten its sequence numbers and starts again from the first
 * one. Tag every packet with an incarnation number that goes up at every start and is kept in
 * durable storage (`set` then `sync` before you send anything with it), so the receiver can tell
 * "new sender, new numbering" from "old duplicate".
 *
 * Packets are your design: they must be JSON values (no Map, Set or class instances) and are frozen
 * on arrival. Timer payloads are JSON too; use them to say which destination a timer is for.
 * Efficiency counts: the grader bounds messages per payload on a healthy network and during partitions.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../grader/suites/01-fallacies/interface.js";

/**
 * One node's endpoint: a sender towards every peer and a receiver from every peer.
 *
 * TODO: add the state you need, e.g. a Map from destination to its sending state (next sequence
 * number, unacknowledged messages, queue, timeout, timer) and a Map from source to its receiving state
 * (incarnation, next expected sequence number, early arrivals).
 */
export class ReliableChannel implements ChannelNode {
  constructor(
    protected readonly ctx: NodeContext,
    protected readonly app: ChannelApp,
  ) {}

  /** Called when the node starts, and on a fresh object after every restart. */
  onStart(): void {
    // TODO: pick this run's incarnation number from durable storage (and make the new one durable).
    throw new Error("not implemented: ReliableChannel.onStart in labs/01-fallacies/channel.ts");
  }

  /** The application wants `payload` delivered to `to`. */
  send(to: NodeId, payload: Json): void {
    // TODO: number it, remember it until acked, transmit it if the window has room (else queue it),
    // and make sure a retransmission timer is running.
    throw new Error("not implemented: ReliableChannel.send in labs/01-fallacies/channel.ts");
  }

  /** A packet arrived from `from`: a data packet (you are the receiver) or an ack (you are the sender). */
  onMessage(from: NodeId, msg: Json): void {
    // TODO: data -> check incarnation and sequence number, buffer, deliver in order, ack.
    // ack -> forget what it covers, send queued messages, reset the timeout, stop the timer if idle.
    throw new Error("not implemented: ReliableChannel.onMessage in labs/01-fallacies/channel.ts");
  }

  /** A timer you set fired. */
  onTimer(payload: Json): void {
    // TODO: retransmit what is still unacknowledged for that destination, back off, set the timer again.
    throw new Error("not implemented: ReliableChannel.onTimer in labs/01-fallacies/channel.ts");
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new ReliableChannel(ctx, app);
}
